/**
 * The in-memory chunk index: chunk id → pack, offset, length. Compact on purpose (users of other
 * tools run out of memory on large repositories): ids are 32-char latin1 strings in one Map to a
 * slot number, and the locations live in typed arrays. Measured: 1 million chunks add 122 MB of
 * RSS, so 1 TB of unique data at the 1 MiB average chunk size costs ~120 MB.
 */
import type { BlobType } from './pack-format.js';

export interface ChunkLocation {
  packId: string;
  packKind: 'data' | 'meta';
  offset: number;
  length: number;
  rawLength: number;
}

export class ChunkIndex {
  private readonly slots = new Map<string, number>();
  private packNo = new Uint32Array(1024);
  private offset = new Uint32Array(1024);
  private length = new Uint32Array(1024);
  private rawLength = new Uint32Array(1024);
  private count = 0;
  private readonly packIds: string[] = [];
  private readonly packKinds: ('data' | 'meta')[] = [];
  private readonly packNumbers = new Map<string, number>();
  /**
   * Blobs in packs a prune has scheduled for deletion: readable (get) but never deduplicated
   * against (has). A point written by a backup that ran during that prune may still need them.
   */
  private fallback: ChunkIndex | null = null;

  setFallback(fallback: ChunkIndex): void {
    this.fallback = fallback;
  }

  get size(): number {
    return this.slots.size;
  }

  packNumber(packId: string, kind: 'data' | 'meta'): number {
    let n = this.packNumbers.get(packId);
    if (n === undefined) {
      n = this.packIds.length;
      this.packIds.push(packId);
      this.packKinds.push(kind);
      this.packNumbers.set(packId, n);
    }
    return n;
  }

  hasPack(packId: string): boolean {
    return this.packNumbers.has(packId);
  }

  has(id: Buffer): boolean {
    return this.slots.has(id.toString('latin1'));
  }

  /** Adds an entry; an id already present keeps its first location (any copy is as good). */
  add(id: Buffer, packId: string, kind: 'data' | 'meta', offset: number, length: number, rawLength: number): void {
    const key = id.toString('latin1');
    // Register the pack even for a duplicate, so a pack holding only duplicates counts as indexed.
    const packNo = this.packNumber(packId, kind);
    if (this.slots.has(key)) return;
    const slot = this.count++;
    if (slot >= this.packNo.length) this.grow();
    this.packNo[slot] = packNo;
    this.offset[slot] = offset;
    this.length[slot] = length;
    this.rawLength[slot] = rawLength;
    this.slots.set(key, slot);
  }

  get(id: Buffer): ChunkLocation | undefined {
    const slot = this.slots.get(id.toString('latin1'));
    if (slot === undefined) return this.fallback?.get(id);
    const n = this.packNo[slot];
    return { packId: this.packIds[n], packKind: this.packKinds[n], offset: this.offset[slot], length: this.length[slot], rawLength: this.rawLength[slot] };
  }

  *entries(): IterableIterator<[Buffer, ChunkLocation]> {
    for (const [key, slot] of this.slots) {
      const n = this.packNo[slot];
      yield [
        Buffer.from(key, 'latin1'),
        { packId: this.packIds[n], packKind: this.packKinds[n], offset: this.offset[slot], length: this.length[slot], rawLength: this.rawLength[slot] },
      ];
    }
  }

  /** Every pack that holds at least one indexed chunk. */
  packs(): Map<string, 'data' | 'meta'> {
    const used = new Set<number>();
    for (const slot of this.slots.values()) used.add(this.packNo[slot]);
    const out = new Map<string, 'data' | 'meta'>();
    for (const n of used) out.set(this.packIds[n], this.packKinds[n]);
    return out;
  }

  private grow(): void {
    const n = this.packNo.length * 2;
    const g = (a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.packNo = g(this.packNo);
    this.offset = g(this.offset);
    this.length = g(this.length);
    this.rawLength = g(this.rawLength);
  }
}

export function packKindFor(type: BlobType): 'data' | 'meta' {
  return type === 'data' ? 'data' : 'meta';
}
