/**
 * Copies recovery points from one vault to another (a local vault replicated to S3, one bucket to
 * another region). When the target shares the source's chunking parameters (`init
 * --copy-params-from`), chunk and tree ids are the same in both, so only what the target lacks is
 * transferred (decrypted with the source's key, sealed with the target's). Otherwise every file is
 * re-chunked with the target's parameters and the trees are rebuilt (and the caller is told).
 * Idempotent and resumable: a point keeps its id, a point the target already has is skipped, and
 * its manifest is written last, after its packs and index.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChunkReader } from '../chunker/chunk-stream.js';
import { BlobWriter } from '../repo/blob-writer.js';
import type { ChunkIndex } from '../repo/chunk-index.js';
import { Lease } from '../repo/leases.js';
import type { RecoveryPoint } from '../repo/point.js';
import { encodeTree, type TreeNode } from '../repo/tree.js';
import type { Vault } from '../repo/vault.js';

export interface CopyResult {
  copied: string[];
  skipped: string[];
  rechunked: boolean;
  blobsCopied: number;
  bytesStored: number;
}

export async function copyPoints(
  from: Vault,
  to: Vault,
  points: RecoveryPoint[],
  opts: { onNotice?: (m: string) => void; onPoint?: (p: RecoveryPoint, i: number) => void } = {},
): Promise<CopyResult> {
  const rechunk = !to.sharesChunkParamsWith(from);
  if (rechunk) opts.onNotice?.('the target vault was not made with --copy-params-from the source: files are re-chunked, so every byte is read and only identical chunks deduplicate');
  const result: CopyResult = { copied: [], skipped: [], rechunked: rechunk, blobsCopied: 0, bytesStored: 0 };
  const lease = await Lease.acquire(to, { kind: 'copy', onNotice: opts.onNotice });
  try {
    const { index: src } = await from.loadIndex();
    const { index: dst } = await to.loadIndex();
    const existing = new Set((await to.listPoints()).map((p) => p.id));
    for (const [i, point] of points.entries()) {
      opts.onPoint?.(point, i);
      if (existing.has(point.id)) {
        result.skipped.push(point.id);
        continue;
      }
      const writer = new BlobWriter(to, dst);
      const copier = rechunk ? new Rechunker(from, src, to, writer) : new BlobCopier(from, src, writer);
      const tree = await copier.tree(point.tree);
      await writer.finish();
      result.blobsCopied += copier.blobs;
      result.bytesStored += writer.storedBytes;
      await lease.assertHeld();
      await to.putJson(`points/${point.id}`, { ...point, tree });
      result.copied.push(point.id);
    }
  } finally {
    await lease.release().catch(() => undefined);
  }
  return result;
}

/** Same chunking in both vaults: ids carry over; copy each blob the target lacks. */
class BlobCopier {
  blobs = 0;
  private readonly seen = new Set<string>();

  constructor(
    private readonly from: Vault,
    private readonly src: ChunkIndex,
    private readonly writer: BlobWriter,
  ) {}

  async tree(id: string): Promise<string> {
    if (this.seen.has(id)) return id;
    this.seen.add(id);
    const tree = await this.from.readTree(this.src, id, { cache: false });
    for (const e of tree.entries) {
      if (e.type === 'dir' && e.tree) await this.tree(e.tree);
      else if (e.type === 'file') for (const c of e.chunks ?? []) await this.blob('data', c);
    }
    await this.blob('tree', id);
    return id;
  }

  private async blob(type: 'data' | 'tree', hex: string): Promise<void> {
    const id = Buffer.from(hex, 'hex');
    if (this.writer.has(id)) return;
    const plain = await this.from.readBlob(this.src, id, `${type} ${hex.slice(0, 12)}`);
    this.writer.add(type, id, plain);
    this.blobs++;
    if (this.writer.needsFlush) await this.writer.flushReady();
  }
}

/** Different chunking: rebuild every file's chunk list (through a temporary file) and every tree. */
class Rechunker {
  blobs = 0;
  private readonly trees = new Map<string, string>();
  private readonly reader: ChunkReader;
  private readonly tmpDir = mkdtempSync(path.join(os.tmpdir(), 'deskvault-copy-'));

  constructor(
    private readonly from: Vault,
    private readonly src: ChunkIndex,
    private readonly to: Vault,
    private readonly writer: BlobWriter,
  ) {
    this.reader = new ChunkReader(to.chunker);
  }

  async tree(id: string): Promise<string> {
    try {
      return await this.rebuild(id);
    } finally {
      rmSync(this.tmpDir, { recursive: true, force: true });
    }
  }

  private async rebuild(id: string): Promise<string> {
    const done = this.trees.get(id);
    if (done) return done;
    const tree = await this.from.readTree(this.src, id, { cache: false });
    const entries: TreeNode[] = [];
    for (const e of tree.entries) {
      if (e.type === 'dir' && e.tree) entries.push({ ...e, tree: await this.rebuild(e.tree) });
      else if (e.type === 'file') entries.push({ ...e, chunks: await this.file(e.chunks ?? []) });
      else entries.push(e);
    }
    const bytes = encodeTree(entries);
    const newId = this.to.chunkId(bytes);
    this.writer.add('tree', newId, bytes);
    const hex = newId.toString('hex');
    this.trees.set(id, hex);
    return hex;
  }

  private async file(chunks: string[]): Promise<string[]> {
    const tmp = path.join(this.tmpDir, 'file');
    const wfd = openSync(tmp, 'w');
    try {
      for (const c of chunks) {
        const plain = await this.from.readBlob(this.src, Buffer.from(c, 'hex'), `chunk ${c.slice(0, 12)}`);
        writeSync(wfd, plain);
      }
    } finally {
      closeSync(wfd);
    }
    const out: string[] = [];
    const rfd = openSync(tmp, 'r');
    try {
      await this.reader.read(rfd, async (chunk) => {
        const id = this.to.chunkId(chunk);
        out.push(id.toString('hex'));
        if (this.writer.add('data', id, chunk)) this.blobs++;
        if (this.writer.needsFlush) await this.writer.flushReady();
      });
    } finally {
      closeSync(rfd);
    }
    return out;
  }
}
