/**
 * A plan's folders and rules as one ordered pattern list for the engine's matcher (the same list
 * the watcher's ignore predicate uses, so both agree on what is protected). Order: presets, then
 * excludes, then includes as `!` re-includes (docs/patterns.md: later patterns win, and nothing
 * under an excluded folder can be re-included). A plan's patterns apply to all its folders; a
 * folder that needs different rules goes in a plan of its own.
 */
import type { Plan } from '../../core/model.js';
import { EXCLUDE_PRESETS } from '../../engine/index.js';

export function planPatterns(plan: Pick<Plan, 'resources'>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string): void => {
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  };
  for (const r of plan.resources) for (const preset of r.excludePresets ?? []) EXCLUDE_PRESETS[preset].forEach(add);
  for (const r of plan.resources) (r.excludes ?? []).forEach(add);
  for (const r of plan.resources) for (const inc of r.includes ?? []) add(inc.startsWith('!') ? inc : `!${inc}`);
  return out;
}

/** The smallest size limit of the plan's folders (the engine takes one per backup), or none. */
export function planMaxFileSize(plan: Pick<Plan, 'resources'>): number | undefined {
  const limits = plan.resources.map((r) => r.maxFileSize).filter((n): n is number => n !== undefined);
  return limits.length > 0 ? Math.min(...limits) : undefined;
}
