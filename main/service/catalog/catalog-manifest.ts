/**
 * `catalog.json`, the catalog's commit point: which segments make up the tables (with their SHA-256,
 * checked on load) and which recovery points are catalogued (with their root tree ids). It is
 * replaced atomically after the segments it names are written, so a crash leaves the old catalog or
 * the new one; segments it does not name are unfinished and removed later.
 */
import type { RecoveryPoint } from '../../engine/index.js';

export const MANIFEST_FILE = 'catalog.json';

export interface SegmentRef {
  file: string;
  sha256: string;
  bytes: number;
}

/** A catalogued recovery point: the manifest's fields that browsing needs. */
export interface CatalogPoint {
  id: string;
  time: string;
  host: string;
  user: string;
  paths: string[];
  tags: string[];
  status: RecoveryPoint['status'];
  /** Root tree id. */
  tree: string;
  counts: { files: number; dirs: number; bytes: number; errors: number };
}

export interface CatalogManifest {
  format: 'deskvault-catalog';
  version: 1;
  vaultId: string;
  segments: SegmentRef[];
  /** Oldest first (time, then id), as the vault lists them. */
  points: CatalogPoint[];
}

export function emptyManifest(vaultId: string): CatalogManifest {
  return { format: 'deskvault-catalog', version: 1, vaultId, segments: [], points: [] };
}

export function catalogPointOf(p: RecoveryPoint): CatalogPoint {
  return {
    id: p.id,
    time: p.time,
    host: p.host,
    user: p.user,
    paths: [...p.paths],
    tags: [...(p.tags ?? [])],
    status: p.status,
    tree: p.tree,
    counts: { files: p.stats?.files ?? 0, dirs: p.stats?.dirs ?? 0, bytes: p.stats?.bytes ?? 0, errors: p.errors?.length ?? 0 },
  };
}

export function sortPoints(points: CatalogPoint[]): CatalogPoint[] {
  return points.sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
}

const HEX = (n: number): RegExp => new RegExp(`^[0-9a-f]{${n}}$`);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Parses and checks a manifest; throws an Error saying what is wrong. */
export function parseManifest(text: string, vaultId: string): CatalogManifest {
  let m: CatalogManifest;
  try {
    m = JSON.parse(text) as CatalogManifest;
  } catch {
    throw new Error(`${MANIFEST_FILE} is not valid JSON`);
  }
  if (m?.format !== 'deskvault-catalog' || m.version !== 1) throw new Error(`${MANIFEST_FILE} is not a version 1 catalog`);
  if (m.vaultId !== vaultId) throw new Error(`${MANIFEST_FILE} belongs to vault ${String(m.vaultId)}`);
  if (!Array.isArray(m.segments) || !m.segments.every((s) => /^seg-[0-9a-f]{16}\.bin$/.test(s?.file) && HEX(64).test(s.sha256) && Number.isSafeInteger(s.bytes))) {
    throw new Error(`${MANIFEST_FILE} has an invalid segment list`);
  }
  const ok = (p: CatalogPoint): boolean =>
    typeof p?.id === 'string' &&
    HEX(64).test(p.tree) &&
    typeof p.time === 'string' &&
    typeof p.host === 'string' &&
    typeof p.user === 'string' &&
    isStrings(p.paths) &&
    isStrings(p.tags) &&
    (p.status === 'COMPLETED' || p.status === 'PARTIAL') &&
    ['files', 'dirs', 'bytes', 'errors'].every((k) => Number.isFinite(p.counts?.[k as keyof CatalogPoint['counts']]));
  if (!Array.isArray(m.points) || !m.points.every(ok)) throw new Error(`${MANIFEST_FILE} has an invalid point list`);
  return m;
}
