/** Recovery point manifests (docs/vault-format.md, "Recovery points"). */

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
}

export function emptyStats(): PointStats {
  return { files: 0, dirs: 0, bytes: 0, newFiles: 0, changedFiles: 0, unchangedFiles: 0, chunks: 0, newChunks: 0, storedBytes: 0, durationMs: 0 };
}
