/**
 * Content-defined chunking (fastcdc-gear32-v1) and the known-answer vectors of the format.
 * The vectors in test/fixtures/vectors.json were produced once by test/fixtures/make-vectors.mjs;
 * the engine must keep reproducing them (a mismatch means vaults written before would no longer
 * deduplicate, or could no longer be read). A reference implementation written from the text of
 * docs/vault-format.md checks that code and document say the same thing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createBLAKE3 } from 'hash-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChunkReader } from '../../../../main/engine/chunker/chunk-stream.js';
import { createChunker, deriveGearTable, validateChunkerParams, type Chunker, type ChunkerParams } from '../../../../main/engine/chunker/fastcdc.js';
import { CODEC_NONE, CODEC_ZSTD, loadZstd, type Zstd } from '../../../../main/engine/crypto/codec.js';
import { keyedHashFn, loadHasher, type Hasher } from '../../../../main/engine/crypto/hash.js';
import { decrypt, Sealer } from '../../../../main/engine/crypto/sealer.js';
import { decodeIndex, encodeIndex } from '../../../../main/engine/repo/index-file.js';
import { decodeHeader, encodeHeader, type BlobType } from '../../../../main/engine/repo/pack-format.js';
import { makeTempDir, removeTempDirs, xorshiftBytes } from '../../../helpers/engine-fixtures.js';

interface Vectors {
  prng: { seed: number; length: number; blake3: string };
  chunker: { params: ChunkerParams; seeds: { seedHex: string; gearFirst8: number[]; chunkLengths: number[] }[] };
  chunkId: { keyHex: string; cases: { name: string; hex: string; idHex: string }[] };
  blake3: { name: string; hex: string; hashHex: string }[];
  sealed: { name: string; keyHex: string; aadHex: string; sealedHex: string; codec: number; plaintextHex: string }[];
  packHeader: { entries: { type: BlobType; id: string; offset: number; length: number; rawLength: number }[]; hex: string };
  index: {
    file: { supersedes: string[]; packs: [string, 'data' | 'meta'][]; entries: { id: string; packId: string; offset: number; length: number; rawLength: number }[] };
    hex: string;
  };
}

const vectors = JSON.parse(fs.readFileSync(new URL('../../../fixtures/vectors.json', import.meta.url), 'utf8')) as Vectors;
const SMALL: ChunkerParams = { minSize: 4096, avgSize: 16384, maxSize: 65536 };

let native: Hasher;
let wasm: Hasher;
let zstdDefault: Zstd;
let zstdWasm: Zstd;

beforeAll(async () => {
  native = await loadHasher();
  wasm = await loadHasher({ forceWasm: true });
  zstdDefault = await loadZstd();
  zstdWasm = await loadZstd({ forceWasm: true });
});
afterAll(removeTempDirs);

async function chunkerFor(seed: Buffer, params: ChunkerParams, hasher: Hasher = native): Promise<Chunker> {
  return createChunker(params, deriveGearTable(await keyedHashFn(hasher, seed)));
}

/** Chunk lengths of data, cutting the whole buffer in memory. */
function lengthsOf(chunker: Chunker, data: Uint8Array): number[] {
  const out: number[] = [];
  for (let pos = 0; pos < data.length; ) {
    const len = chunker.cut(data, pos, data.length - pos);
    out.push(len);
    pos += len;
  }
  return out;
}

/** fastcdc-gear32-v1 written from docs/vault-format.md, independently of the engine's code. */
function referenceLengths(gear: Uint32Array, p: ChunkerParams, data: Uint8Array): number[] {
  const bits = Math.log2(p.avgSize);
  const top = (k: number): number => (0xffffffff - (2 ** (32 - k) - 1)) >>> 0;
  const maskS = top(bits + 2);
  const maskL = top(bits - 2);
  const out: number[] = [];
  let start = 0;
  while (start < data.length) {
    const n = data.length - start;
    let len = Math.min(p.maxSize, n);
    if (n > p.minSize) {
      let h = 0;
      let cut = -1;
      let i = p.minSize;
      for (; i < Math.min(p.avgSize, n); i++) {
        h = (h * 2 + gear[data[start + i]]) % 2 ** 32;
        if ((h & maskS) >>> 0 === 0) {
          cut = i + 1;
          break;
        }
      }
      if (cut < 0) {
        for (; i < Math.min(p.maxSize, n); i++) {
          h = (h * 2 + gear[data[start + i]]) % 2 ** 32;
          if ((h & maskL) >>> 0 === 0) {
            cut = i + 1;
            break;
          }
        }
      }
      if (cut > 0) len = cut;
    }
    out.push(len);
    start += len;
  }
  return out;
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

describe('fastcdc-gear32-v1: gear table', () => {
  it('is the first 4 bytes LE of BLAKE3-keyed(seed, "deskvault-gear" ‖ i), per the format document', async () => {
    const seed = Buffer.alloc(32, 0x5a);
    const gear = deriveGearTable(await keyedHashFn(native, seed));
    const ref = await createBLAKE3(256, seed);
    for (const i of [0, 1, 2, 127, 128, 254, 255]) {
      ref.init();
      ref.update(Buffer.concat([Buffer.from('deskvault-gear'), Buffer.of(i)]));
      const digest = Buffer.from(ref.digest('binary'));
      expect(gear[i]).toBe(digest.readUInt32LE(0));
    }
    expect(gear.length).toBe(256);
  });

  it('differs between seeds', async () => {
    const a = deriveGearTable(await keyedHashFn(native, Buffer.alloc(32, 1)));
    const b = deriveGearTable(await keyedHashFn(native, Buffer.alloc(32, 2)));
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(false);
  });
});

describe('fastcdc-gear32-v1: boundaries', () => {
  const data = xorshiftBytes(0xdecafbad, 2 * 1024 * 1024);

  it('are deterministic for a seed (two chunkers, repeated runs)', async () => {
    const seed = Buffer.alloc(32, 7);
    const a = lengthsOf(await chunkerFor(seed, SMALL), data);
    const b = lengthsOf(await chunkerFor(seed, SMALL), data);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(30);
  });

  it('differ between seeds', async () => {
    const a = lengthsOf(await chunkerFor(Buffer.alloc(32, 7), SMALL), data);
    const b = lengthsOf(await chunkerFor(Buffer.alloc(32, 8), SMALL), data);
    expect(a).not.toEqual(b);
    // Not merely shifted: most boundary positions differ.
    const cuts = (ls: number[]): Set<number> => {
      const s = new Set<number>();
      let p = 0;
      for (const l of ls) s.add((p += l));
      return s;
    };
    const ca = cuts(a);
    const shared = [...cuts(b)].filter((c) => ca.has(c)).length;
    expect(shared).toBeLessThan(ca.size / 4);
  });

  it('respect minSize and maxSize, and cover the data exactly', async () => {
    for (const params of [SMALL, { minSize: 1024, avgSize: 4096, maxSize: 8192 }, { minSize: 16384, avgSize: 65536, maxSize: 262144 }]) {
      const lengths = lengthsOf(await chunkerFor(Buffer.alloc(32, 9), params), data);
      expect(sum(lengths)).toBe(data.length);
      for (const l of lengths.slice(0, -1)) {
        expect(l).toBeGreaterThan(params.minSize);
        expect(l).toBeLessThanOrEqual(params.maxSize);
      }
      expect(lengths[lengths.length - 1]).toBeLessThanOrEqual(params.maxSize);
      // Normalised chunking keeps the mean near avgSize.
      const mean = data.length / lengths.length;
      expect(mean).toBeGreaterThan(params.avgSize / 2);
      expect(mean).toBeLessThan(params.avgSize * 2);
    }
  });

  it('cut constant data (zeros) into equal chunks, and take a region of at most minSize whole', async () => {
    const chunker = await chunkerFor(Buffer.alloc(32, 9), SMALL);
    const zeros = Buffer.alloc(5 * SMALL.maxSize + 123);
    const lengths = lengthsOf(chunker, zeros);
    // Over a constant byte every chunk sees the same hash sequence, so all cut at the same length
    // (and deduplicate); with no boundary at all that length is maxSize.
    expect(sum(lengths)).toBe(zeros.length);
    expect(new Set(lengths.slice(0, -1)).size).toBe(1);
    expect(lengths[0]).toBeLessThanOrEqual(SMALL.maxSize);
    expect(chunker.cut(data, 0, SMALL.minSize)).toBe(SMALL.minSize);
    expect(chunker.cut(data, 0, 17)).toBe(17);
    expect(chunker.cut(data, 0, 0)).toBe(0);
  });

  it('match the reference implementation written from docs/vault-format.md', async () => {
    const seed = Buffer.alloc(32, 0x42);
    const gear = deriveGearTable(await keyedHashFn(native, seed));
    for (const params of [SMALL, { minSize: 256, avgSize: 1024, maxSize: 4096 }, { minSize: 16384, avgSize: 65536, maxSize: 262144 }, { minSize: 8192, avgSize: 8192, maxSize: 8192 }]) {
      const chunker = createChunker(params, gear);
      expect(lengthsOf(chunker, data)).toEqual(referenceLengths(gear, params, data));
    }
  });

  it('change only near an insertion in the middle (content-defined)', async () => {
    const chunker = await chunkerFor(Buffer.alloc(32, 7), SMALL);
    const at = 1024 * 1024 + 777;
    const inserted = Buffer.concat([data.subarray(0, at), Buffer.from('a few inserted bytes, 37 long .......'), data.subarray(at)]);
    const before = lengthsOf(chunker, data);
    const after = lengthsOf(chunker, inserted);
    const ids = (d: Buffer, ls: number[]): string[] => {
      const out: string[] = [];
      let p = 0;
      for (const l of ls) {
        out.push(native.plain(d.subarray(p, p + l)).toString('hex'));
        p += l;
      }
      return out;
    };
    const a = ids(data, before);
    const b = ids(inserted, after);
    // Chunks wholly before the insertion are identical, in order.
    let common = 0;
    while (common < a.length && a[common] === b[common]) common++;
    let end = 0;
    for (const l of before.slice(0, common)) end += l;
    expect(end).toBeLessThanOrEqual(at);
    expect(end).toBeGreaterThan(at - 2 * SMALL.maxSize);
    // After a few chunks the boundaries fall in the same places again (counted from the end).
    let tail = 0;
    while (tail < a.length && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
    expect(a.length - common - tail).toBeLessThanOrEqual(4);
    expect(b.length - common - tail).toBeLessThanOrEqual(4);
    const bSet = new Set(b);
    expect(a.filter((id) => !bSet.has(id)).length).toBeLessThanOrEqual(4);
  });

  it('are validated: avgSize a power of two, min <= avg <= max', () => {
    expect(() => validateChunkerParams({ minSize: 10, avgSize: 1000, maxSize: 5000 })).toThrow(/power of two/);
    expect(() => validateChunkerParams({ minSize: 0, avgSize: 1024, maxSize: 5000 })).toThrow();
    expect(() => validateChunkerParams({ minSize: 2048, avgSize: 1024, maxSize: 5000 })).toThrow();
    expect(() => validateChunkerParams({ minSize: 512, avgSize: 1024, maxSize: 1000 })).toThrow();
    expect(() => validateChunkerParams(SMALL)).not.toThrow();
  });
});

describe('ChunkReader', () => {
  it('yields the same chunks from a file as cutting the whole data in memory', async () => {
    const dir = makeTempDir();
    const chunker = await chunkerFor(Buffer.alloc(32, 3), SMALL);
    const reader = new ChunkReader(chunker);
    const big = xorshiftBytes(99, 3 * SMALL.maxSize * 3 + 12345);
    for (const size of [0, 1, SMALL.minSize, SMALL.minSize + 1, SMALL.maxSize, 3 * SMALL.maxSize, 3 * SMALL.maxSize + 1, big.length]) {
      const content = big.subarray(0, size);
      const file = path.join(dir, `f${size}`);
      fs.writeFileSync(file, content);
      const fd = fs.openSync(file, 'r');
      const got: Buffer[] = [];
      let read: number;
      try {
        read = await reader.read(fd, (c) => {
          got.push(Buffer.from(c)); // a view valid only during the callback: copy it
        });
      } finally {
        fs.closeSync(fd);
      }
      expect(read).toBe(size);
      expect(got.map((c) => c.length)).toEqual(lengthsOf(chunker, content));
      expect(Buffer.concat(got).equals(content)).toBe(true);
    }
  });
});

describe('known-answer vectors (test/fixtures/vectors.json)', () => {
  const data = xorshiftBytes(vectors.prng.seed, vectors.prng.length);

  it('the test data generator reproduces the generator of make-vectors.mjs', () => {
    expect(native.plain(data).toString('hex')).toBe(vectors.prng.blake3);
    expect(wasm.plain(data).toString('hex')).toBe(vectors.prng.blake3);
  });

  it.each(vectors.chunker.seeds.map((s) => [s.seedHex.slice(0, 8), s] as const))('gear table and chunk lengths for seed %s…', async (_, v) => {
    for (const hasher of [native, wasm]) {
      const gear = deriveGearTable(await keyedHashFn(hasher, Buffer.from(v.seedHex, 'hex')));
      expect([...gear.slice(0, 8)]).toEqual(v.gearFirst8);
      const chunker = createChunker(vectors.chunker.params, gear);
      expect(lengthsOf(chunker, data)).toEqual(v.chunkLengths);
      expect(referenceLengths(gear, vectors.chunker.params, data)).toEqual(v.chunkLengths);
    }
  });

  it('keyed BLAKE3 chunk ids, native and wasm', async () => {
    const key = Buffer.from(vectors.chunkId.keyHex, 'hex');
    const fns = [await keyedHashFn(native, key), await keyedHashFn(wasm, key)];
    for (const c of vectors.chunkId.cases) {
      for (const fn of fns) expect(fn(Buffer.from(c.hex, 'hex')).toString('hex'), c.name).toBe(c.idHex);
    }
  });

  it('plain BLAKE3, native and wasm (and the published BLAKE3 digests of "" and "abc")', () => {
    const byName = new Map(vectors.blake3.map((c) => [c.name, c.hashHex]));
    expect(byName.get('empty')).toBe('af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
    expect(byName.get('abc')).toBe('6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85');
    for (const c of vectors.blake3) {
      const input = Buffer.from(c.hex, 'hex');
      expect(native.plain(input).toString('hex'), c.name).toBe(c.hashHex);
      expect(wasm.plain(input).toString('hex'), c.name).toBe(c.hashHex);
      // plainParts (pack ids) over any split equals the hash of the whole.
      const mid = Math.floor(input.length / 3);
      for (const h of [native, wasm]) expect(h.plainParts([input.subarray(0, mid), input.subarray(mid)]).toString('hex')).toBe(c.hashHex);
    }
  });

  it('fixed sealed blobs decrypt to the expected plaintext with native and wasm zstd', () => {
    for (const v of vectors.sealed) {
      const key = Buffer.from(v.keyHex, 'hex');
      const aad = Buffer.from(v.aadHex, 'hex');
      const sealed = Buffer.from(v.sealedHex, 'hex');
      const expected = Buffer.from(v.plaintextHex, 'hex');
      expect(decrypt(key, sealed, aad, v.name)[0]).toBe(v.codec);
      for (const zstd of [zstdDefault, zstdWasm]) {
        const opened = new Sealer(key, zstd, 3).open(sealed, aad, v.name);
        expect(opened.equals(expected), `${v.name} with ${zstd.implementation}`).toBe(true);
      }
    }
    expect(vectors.sealed.map((v) => v.codec).sort()).toEqual([CODEC_NONE, CODEC_ZSTD]);
  });

  it('zstd: native and wasm read each other\'s frames', () => {
    expect(zstdWasm.implementation).toBe('wasm');
    const payload = Buffer.concat([Buffer.from('x'.repeat(10000)), xorshiftBytes(5, 3000), Buffer.from('hello '.repeat(500))]);
    for (const [writer, readerZ] of [
      [zstdDefault, zstdWasm],
      [zstdWasm, zstdDefault],
      [zstdWasm, zstdWasm],
    ] as const) {
      const frame = writer.compress(payload, 3);
      expect(frame.length).toBeLessThan(payload.length);
      expect(readerZ.decompress(frame).equals(payload)).toBe(true);
      expect(Buffer.from(readerZ.decompressScratch(Buffer.from(writer.compressScratch(payload, 3)))).equals(payload)).toBe(true);
    }
  });

  it('pack header and index binary layouts', () => {
    const entries = vectors.packHeader.entries.map((e) => ({ ...e, id: Buffer.from(e.id, 'hex') }));
    expect(encodeHeader(entries).toString('hex')).toBe(vectors.packHeader.hex);
    expect(decodeHeader(Buffer.from(vectors.packHeader.hex, 'hex'), 'vector')).toEqual(entries);
    const f = vectors.index.file;
    const file = { ...f, entries: f.entries.map((e) => ({ ...e, id: Buffer.from(e.id, 'hex') })) };
    expect(encodeIndex(file).toString('hex')).toBe(vectors.index.hex);
    expect(decodeIndex(Buffer.from(vectors.index.hex, 'hex'), 'vector')).toEqual(file);
  });
});
