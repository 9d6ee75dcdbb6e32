/** Recovery point manifests (docs/vault-format.md, "Recovery points"). */
import type { ObjectLockMode } from './config.js';

export type PointStatus = 'COMPLETED' | 'PARTIAL';

export interface PointStats {
  files: number;
  dirs: number;
  bytes: number;
  newFiles: number;
  changedFiles: number;
  unchangedFiles: number;
  chunks: number;
  newChunks: number;
  storedBytes: number;
  durationMs: number;
}

export interface PointError {
  path: string;
  message: string;
}

export interface RecoveryPoint {
  version: 1;
  id: string;
  time: string;
  host: string;
  user: string;
  paths: string[];
  tags: string[];
  tree: string;
  parent: string | null;
  status: PointStatus;
  stats: PointStats;
  errors: PointError[];
  /**
   * Format 1.1, vaults with Object Lock only: every object this point needs (its packs, the config
   * and the key slots) was retained by S3 until at least `until` when the manifest was written.
   */
  lock?: { mode: ObjectLockMode; until: string };
  /**
   * Optional (see docs/vault-format.md, "Recovery points"): the backup was stopped before it had
   * visited everything (its completion window closed). `status` is then PARTIAL and the tree holds
   * exactly what was finished before the stop; `stoppedAt` is the first path left out.
   */
  incomplete?: { reason: string; stoppedAt: string };
}

export function emptyStats(): PointStats {
  return { files: 0, dirs: 0, bytes: 0, newFiles: 0, changedFiles: 0, unchangedFiles: 0, chunks: 0, newChunks: 0, storedBytes: 0, durationMs: 0 };
}
