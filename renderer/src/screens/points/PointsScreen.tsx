/**
 * Recovery points: the timeline of a vault's points (points.list); the chosen point (`#/points/ID`)
 * to browse as a file tree, search across points, compare two points, preview a file and see its
 * versions — and restore what is ticked. A selection belongs to one point: ticking in another point starts anew.
 */
import { useMemo, useState } from 'react';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import type { RecoveryPointInfo } from '../../../../main/core/model.js';
import { useApi, useServiceEvent } from '../../app/client-context.js';
import { navigate } from '../../app/router.js';
import { Empty, ErrorNote, Loading } from '../../components/feedback.js';
import { SelectInput } from '../../components/fields.js';
import { formatBytes, formatCount, formatTime, shortId } from '../../format/format.js';
import { DiffPanel } from './DiffPanel.js';
import { PointBrowser } from './PointBrowser.js';
import { RestorePanel } from './RestorePanel.js';
import { SearchPanel } from './SearchPanel.js';
import { Timeline } from './Timeline.js';
import { VersionsPanel, type OpenedFile } from './VersionsPanel.js';

export interface Selection {
  pointId: string;
  paths: string[];
}

export function PointsScreen({ param }: { param: string }) {
  const vaults = useApi('vaults.list', {});
  const [chosenVault, setVault] = useState<string | null>(null);
  const vault = chosenVault ?? vaults.data?.[0]?.name ?? null;
  const points = useApi('points.list', vault ? { vault } : null);
  useServiceEvent('job', (j) => {
    if (j.recoveryPointId && j.vaultName === vault && j.state === 'COMPLETED') points.reload();
  });
  const point = useMemo(() => (param ? points.data?.find((p) => p.id === param || p.id.startsWith(param)) : points.data?.[0]), [param, points.data]);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [file, setFile] = useState<OpenedFile | null>(null);

  const select = (pointId: string, path: string, on: boolean) =>
    setSelection((s) => {
      const base = s && s.pointId === pointId ? s.paths : [];
      const paths = on ? [...new Set([...base, path])] : base.filter((p) => p !== path);
      return { pointId, paths };
    });

  return (
    <div className="screen">
      <h1 tabIndex={-1}>Recovery points</h1>
      <ErrorNote error={vaults.error ?? points.error} title="Recovery points unavailable" />
      {vaults.data && vaults.data.length > 1 && (
        <SelectInput label="Vault" value={vault ?? ''} onChange={(v) => { setVault(v); setSelection(null); navigate('points'); }} options={vaults.data.map((v) => ({ id: v.name, label: v.name }))} />
      )}
      {!points.data && !points.error && <Loading what="recovery points" />}
      {points.data?.length === 0 && <Empty>No recovery point in vault “{vault}” yet. Back up a plan from the Dashboard.</Empty>}
      {vault && points.data && points.data.length > 0 && (
        <div className="points-layout">
          <Timeline points={points.data} currentId={point?.id ?? null} />
          <div className="points-main">
            {point ? <PointHeader point={point} /> : <ErrorNote error={new Error(`No recovery point ${param} in vault “${vault}”.`)} title="Not found" />}
            <Tabs className="tabs">
              <TabList aria-label="Ways to find files" className="tab-list">
                <Tab id="browse" className="tab">Browse</Tab>
                <Tab id="search" className="tab">Search all points</Tab>
                <Tab id="diff" className="tab">Compare points</Tab>
              </TabList>
              <TabPanel id="browse" className="tab-panel">
                {point && (
                  <BrowseTab
                    vault={vault}
                    point={point}
                    selected={selection?.pointId === point.id ? selection.paths : []}
                    onToggle={(p, on) => select(point.id, p, on)}
                    onOpenFile={(path) => setFile({ path, pointId: point.id })}
                  />
                )}
              </TabPanel>
              <TabPanel id="search" className="tab-panel">
                <SearchPanel vault={vault} onOpenFile={(pointId, path) => setFile({ path, pointId })} onSelect={(id, p) => select(id, p, true)} />
              </TabPanel>
              <TabPanel id="diff" className="tab-panel">
                <DiffPanel vault={vault} points={points.data} />
              </TabPanel>
            </Tabs>
            {file && <VersionsPanel vault={vault} file={file} points={points.data} onClose={() => setFile(null)} onPreview={setFile} onSelect={(id, p) => select(id, p, true)} />}
            <RestorePanel vault={vault} selection={selection ?? (point ? { pointId: point.id, paths: [] } : null)} points={points.data} onClear={() => setSelection(null)} />
          </div>
        </div>
      )}
    </div>
  );
}

function BrowseTab({ vault, point, selected, onToggle, onOpenFile }: { vault: string; point: RecoveryPointInfo; selected: string[]; onToggle: (p: string, on: boolean) => void; onOpenFile: (p: string) => void }) {
  const [path, setPath] = useState('');
  const set = useMemo(() => new Set(selected), [selected]);
  return <PointBrowser vault={vault} point={point.id} path={path} onOpen={setPath} selected={set} onToggle={onToggle} onOpenFile={onOpenFile} />;
}

function PointHeader({ point }: { point: RecoveryPointInfo }) {
  return (
    <div className="point-header">
      <h2>
        Point <code>{shortId(point.id)}</code> of {formatTime(point.time)}
      </h2>
      {point.partialReason && (
        <p className="note note-warn" role="note">
          <strong>Partial point:</strong> {point.partialReason}.
        </p>
      )}
      <p className="muted small">
        {point.planName ? `plan ${point.planName} · ` : ''}
        {formatCount(point.files)} files, {formatBytes(point.bytes)} ({formatBytes(point.storedBytes)} newly stored) · {point.paths.join(', ')}
        {point.heldBy.length > 0 && ' · under legal hold'}
        {point.deleteAt && ` · deleted after ${formatTime(point.deleteAt)}`}
      </p>
    </div>
  );
}
