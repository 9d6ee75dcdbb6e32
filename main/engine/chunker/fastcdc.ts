/**
 * Content-defined chunking, "fastcdc-gear32-v1" (docs/vault-format.md, "Chunks and chunk ids"):
 * FastCDC with normalised chunking (level 2) over a 32-bit gear hash whose table is derived from
 * the vault's secret chunker seed, so boundaries reveal nothing about content.
 */
import type { HashFn } from '../crypto/hash.js';

export interface ChunkerParams {
  minSize: number;
  avgSize: number;
  maxSize: number;
}

/** restic's sizes: 1 MiB average keeps the chunk count (and the index) small on a workstation. */
export const DEFAULT_CHUNKER: ChunkerParams = { minSize: 512 * 1024, avgSize: 1024 * 1024, maxSize: 8 * 1024 * 1024 };

export interface Chunker {
  readonly params: ChunkerParams;
  /**
   * Length of the chunk that starts at `start`, given `available` bytes from there. The caller
   * passes at least `maxSize` bytes unless the data ends sooner (then all that remains).
   */
  cut(buf: Uint8Array, start: number, available: number): number;
}

export function deriveGearTable(keyedHash: HashFn): Uint32Array {
  const gear = new Uint32Array(256);
  const prefix = Buffer.from('deskvault-gear');
  for (let i = 0; i < 256; i++) {
    const digest = keyedHash(Buffer.concat([prefix, Buffer.of(i)]));
    gear[i] = digest.readUInt32LE(0);
  }
  return gear;
}

export function validateChunkerParams(p: ChunkerParams): void {
  const bits = Math.log2(p.avgSize);
  if (!Number.isInteger(bits) || bits < 8 || bits > 28) throw new Error('chunker avgSize must be a power of two between 256 B and 256 MiB');
  if (!(p.minSize > 0 && p.minSize <= p.avgSize && p.avgSize <= p.maxSize)) throw new Error('chunker sizes must satisfy 0 < min <= avg <= max');
}

export function createChunker(params: ChunkerParams, gearTable: Uint32Array): Chunker {
  validateChunkerParams(params);
  const bits = Math.log2(params.avgSize);
  // Signed 32-bit masks of the top bits: the top bits of a shift-left gear hash depend on the most
  // recent 32 bytes, which is the rolling window.
  const maskS = (-1 << (32 - (bits + 2))) | 0;
  const maskL = (-1 << (32 - (bits - 2))) | 0;
  const gear = Int32Array.from(gearTable, (v) => v | 0);
  const { minSize, avgSize, maxSize } = params;
  return {
    params,
    cut(buf, start, available) {
      const n = Math.min(available, maxSize);
      if (n <= minSize) return n;
      let h = 0;
      let i = start + minSize;
      const normalEnd = start + Math.min(avgSize, n);
      const end = start + n;
      for (; i < normalEnd; i++) {
        h = ((h << 1) + gear[buf[i]]) | 0;
        if ((h & maskS) === 0) return i - start + 1;
      }
      for (; i < end; i++) {
        h = ((h << 1) + gear[buf[i]]) | 0;
        if ((h & maskL) === 0) return i - start + 1;
      }
      return n;
    },
  };
}
