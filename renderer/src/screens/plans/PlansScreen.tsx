/**
 * Plans: the list, and the editor of the one in the URL (`#/plans/NAME`, or `#/plans/+new`).
 * "+" cannot start a plan name, so it never collides with one.
 */
import { Button } from 'react-aria-components';
import { useApi } from '../../app/client-context.js';
import { hrefFor, navigate } from '../../app/router.js';
import { Empty, ErrorNote, Loading } from '../../components/feedback.js';
import { PlanEditor } from './PlanEditor.js';
import { ScheduleText } from './ScheduleBuilder.js';

export const NEW_PLAN = '+new';

export function PlansScreen({ param }: { param: string }) {
  const plans = useApi('plans.list', {});
  const vaults = useApi('vaults.list', {});
  const selected = param === NEW_PLAN ? null : (plans.data?.find((p) => p.name === param) ?? null);
  return (
    <div className="screen">
      <h1 tabIndex={-1}>Plans</h1>
      <ErrorNote error={plans.error ?? vaults.error} title="Plans unavailable" />
      <div className="master-detail">
        <nav aria-label="Plans" className="master">
          {!plans.data && !plans.error && <Loading what="plans" />}
          {plans.data?.length === 0 && <Empty>No plan yet.</Empty>}
          <ul className="plain-list nav-list">
            {plans.data?.map((p) => (
              <li key={p.name}>
                <a href={hrefFor('plans', p.name)} aria-current={p.name === param ? 'page' : undefined}>
                  <strong>{p.name}</strong>
                  <span className="muted small">
                    {p.resources.length} folder{p.resources.length === 1 ? '' : 's'} ·{' '}
                    {p.rules.map((r, i) => (
                      <span key={r.name}>
                        {i > 0 && ' + '}
                        <ScheduleText schedule={r.schedule} timeZone={r.timeZone} />
                      </span>
                    ))}
                  </span>
                </a>
              </li>
            ))}
          </ul>
          <Button className="button" onPress={() => navigate('plans', NEW_PLAN)}>
            New plan…
          </Button>
        </nav>
        <div className="detail">
          {plans.data && vaults.data && (param === NEW_PLAN || selected) ? (
            <PlanEditor
              key={selected?.name ?? NEW_PLAN}
              plan={selected}
              vaults={vaults.data.map((v) => v.name)}
              onSaved={(name) => {
                plans.reload();
                navigate('plans', name);
              }}
              onDeleted={() => {
                plans.reload();
                navigate('plans');
              }}
            />
          ) : (
            plans.data && plans.data.length > 0 && <p className="muted">Choose a plan to see and edit its schedule, retention and copies.</p>
          )}
          {param && param !== NEW_PLAN && plans.data && !selected && <ErrorNote error={new Error(`There is no plan named “${param}”.`)} title="Not found" />}
        </div>
      </div>
    </div>
  );
}
