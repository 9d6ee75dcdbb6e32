/**
 * Vault usage over time: the running sum of each point's newly stored bytes (points.list gives
 * `storedBytes` per point, newest first). Long histories are thinned to at most 240 chart points,
 * keeping the last one, so a vault with thousands of points draws at once.
 */
import { useMemo, useState } from 'react';
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { RecoveryPointInfo } from '../../../../main/core/model.js';
import { useApi, useServiceEvent } from '../../app/client-context.js';
import { Empty, ErrorNote } from '../../components/feedback.js';
import { SelectInput } from '../../components/fields.js';
import { useWidth } from '../../components/use-width.js';
import { formatBytes, formatCount, formatTick, formatTime } from '../../format/format.js';

const MAX_CHART_POINTS = 240;

export interface UsageSample {
  t: number;
  bytes: number;
}

export function usageSeries(points: RecoveryPointInfo[]): UsageSample[] {
  const sorted = [...points].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  let sum = 0;
  const all = sorted.map((p) => ({ t: new Date(p.time).getTime(), bytes: (sum += p.storedBytes) }));
  // Start from an empty vault an hour before the first point, so even one point draws a step.
  if (all.length > 0) all.unshift({ t: all[0].t - 3600_000, bytes: 0 });
  if (all.length <= MAX_CHART_POINTS) return all;
  const step = all.length / MAX_CHART_POINTS;
  const out: UsageSample[] = [];
  for (let i = 0; i < MAX_CHART_POINTS - 1; i++) out.push(all[Math.floor(i * step)]);
  out.push(all[all.length - 1]);
  return out;
}

export function UsagePanel() {
  const vaults = useApi('vaults.list', {});
  const [chosen, setChosen] = useState<string | null>(null);
  const vault = chosen ?? vaults.data?.[0]?.name ?? null;
  const points = useApi('points.list', vault ? { vault } : null);
  useServiceEvent('job', (j) => {
    if (j.state === 'COMPLETED' && j.recoveryPointId && j.vaultName === vault) points.reload();
  });
  const series = useMemo(() => usageSeries(points.data ?? []), [points.data]);
  const total = series.at(-1)?.bytes ?? 0;

  return (
    <section className="card" aria-labelledby="usage-h">
      <div className="card-head">
        <h2 id="usage-h">Vault usage over time</h2>
        {vaults.data && vaults.data.length > 1 && (
          <SelectInput label="Vault" value={vault ?? ''} onChange={setChosen} options={vaults.data.map((v) => ({ id: v.name, label: v.name }))} />
        )}
      </div>
      <ErrorNote error={points.error ?? vaults.error} title="Usage unavailable" />
      {points.data && (
        <p>
          <strong>{formatBytes(total)}</strong> stored in vault “{vault}” by {formatCount(points.data.length)} recovery point{points.data.length === 1 ? '' : 's'}.
        </p>
      )}
      {points.data && points.data.length === 0 && <Empty>No recovery point yet.</Empty>}
      {series.length > 0 && <UsageChart series={series} />}
    </section>
  );
}

function UsageChart({ series }: { series: UsageSample[] }) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const span = series.at(-1)!.t - series[0].t;
  return (
    <div ref={ref} className="chart" role="img" aria-label={`Vault usage grew to ${formatBytes(series.at(-1)?.bytes ?? 0)} between ${formatTime(new Date(series[0].t).toISOString())} and ${formatTime(new Date(series.at(-1)!.t).toISOString())}`}>
      <AreaChart width={width} height={220} data={series} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" className="chart-grid" />
        <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={(t: number) => formatTick(t, span)} className="chart-axis" />
        <YAxis dataKey="bytes" tickFormatter={(b: number) => formatBytes(b)} width={84} className="chart-axis" />
        <Tooltip labelFormatter={(t) => formatTime(new Date(Number(t)).toISOString())} formatter={(b) => [formatBytes(Number(b)), 'stored']} />
        <Area type="stepAfter" dataKey="bytes" className="chart-area" isAnimationActive={false} />
      </AreaChart>
    </div>
  );
}
