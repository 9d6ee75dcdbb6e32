/**
 * The content identity of a file version: the first 128 bits of SHA-256 over its chunk ids (binary,
 * in order). Chunk ids are keyed hashes of the content, so equal ids mean equal bytes (and size),
 * computed from the tree alone — no data pack is read. An empty file has no chunks and one id.
 * Ids are per vault (chunk ids are keyed per vault) and stable across catalog rebuilds.
 */
import { createHash } from 'node:crypto';

export function contentIdOf(chunks: readonly string[]): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c, 'hex');
  return h.digest('hex').slice(0, 32);
}

/** A symlink's identity is its target. */
export function linkIdOf(target: string): string {
  return createHash('sha256').update('symlink\0').update(target).digest('hex').slice(0, 32);
}
