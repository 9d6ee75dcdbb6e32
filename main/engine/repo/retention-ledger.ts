/**
 * The retention ledger of a locked vault (docs/vault-format.md, "Object Lock"): `retention/<id>`
 * objects, each a sealed JSON list of `[key, retain-until]` pairs. Every pair is a *lower bound*
 * that was true when written — S3 retention only ever moves later — so the ledger is the union of
 * all objects, taking the latest date per key, and a lost or stale ledger only costs S3 requests
 * (unknown objects are asked about), never safety. Like the index, a consolidating writer writes
 * the union first and deletes the objects it supersedes after.
 */
import { randomBytes } from 'node:crypto';
import type { Vault } from './vault.js';

export interface LedgerFile {
  version: 1;
  supersedes: string[];
  objects: [string, string][];
}

export interface LoadedLedger {
  /** key → retain-until in ms since the epoch (a lower bound). */
  until: Map<string, number>;
  /** Ledger objects present (superseded or not). */
  ids: string[];
}

/** Ledger objects beyond this are merged into one by the next writer (bounded reads on open). */
export const LEDGER_CONSOLIDATE_AT = 16;

export async function loadLedger(vault: Vault): Promise<LoadedLedger> {
  const ids = await vault.listIds('retention/');
  const files: LedgerFile[] = [];
  for (const id of ids) {
    try {
      files.push(await vault.getJson<LedgerFile>(`retention/${id}`));
    } catch {
      // Unreadable or deleted meanwhile: its entries are only hints; S3 is asked instead.
    }
  }
  const superseded = new Set(files.flatMap((f) => f.supersedes ?? []));
  const until = new Map<string, number>();
  files.forEach((f, i) => {
    if (superseded.has(ids[i])) return;
    for (const [key, iso] of f.objects ?? []) {
      const t = Date.parse(iso);
      if (Number.isFinite(t) && t > (until.get(key) ?? 0)) until.set(key, t);
    }
  });
  return { until, ids };
}

/**
 * Records `entries`; when the ledger has grown to LEDGER_CONSOLIDATE_AT objects, writes instead
 * the union of `all` (dropping dates already past, which say nothing any more) and deletes the rest.
 */
export async function writeLedger(vault: Vault, entries: Map<string, number>, ledger: LoadedLedger, now: number): Promise<void> {
  const consolidate = ledger.ids.length + 1 >= LEDGER_CONSOLIDATE_AT;
  const source = consolidate ? ledger.until : entries;
  const objects: [string, string][] = [...source].filter(([, t]) => !consolidate || t > now).map(([k, t]) => [k, new Date(t).toISOString()]);
  if (objects.length === 0 && !consolidate) return;
  const id = randomBytes(16).toString('hex');
  const file: LedgerFile = { version: 1, supersedes: consolidate ? ledger.ids : [], objects };
  await vault.putJson(`retention/${id}`, file);
  if (consolidate) {
    for (const old of ledger.ids) await vault.store.delete(`retention/${old}`);
    ledger.ids = [id];
  } else ledger.ids.push(id);
}
