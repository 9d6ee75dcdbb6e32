/**
 * BLAKE3, keyed (chunk and tree ids) and unkeyed (pack ids). The native N-API binding is preferred
 * (~8 GB/s here); a WebAssembly build is the fallback so a vault stays readable on a machine where
 * the native module cannot load. Both produce identical bytes (checked by the known-answer tests).
 */
import { createRequire } from 'node:module';

export type HashFn = (data: Uint8Array) => Buffer;

export interface Hasher {
  readonly implementation: 'native' | 'wasm';
  /** BLAKE3 keyed with a 32-byte key, 32-byte output. */
  keyed(key: Buffer): HashFn;
  /** Plain BLAKE3, 32-byte output. */
  plain: HashFn;
  /** Plain BLAKE3 over the concatenation of parts (pack ids), without concatenating. */
  plainParts(parts: readonly Uint8Array[]): Buffer;
}

interface NativeBlake {
  Blake3Hasher: { new (): NativeHasher; newKeyed(key: Buffer): NativeHasher };
}
interface NativeHasher {
  update(input: Uint8Array): NativeHasher;
  digestBuffer(): Buffer;
  reset(): void;
}

let cached: Promise<Hasher> | undefined;

export function loadHasher(options: { forceWasm?: boolean } = {}): Promise<Hasher> {
  if (options.forceWasm) return loadWasm();
  cached ??= loadNative().catch(() => loadWasm());
  return cached;
}

async function loadNative(): Promise<Hasher> {
  const req = createRequire(import.meta.url);
  const native = req('@napi-rs/blake-hash') as NativeBlake;
  const { Blake3Hasher } = native;
  return {
    implementation: 'native',
    keyed: (key) => {
      // One keyed hasher, reset per call (reset keeps the key): creating one per chunk cost ~8 µs.
      const h = Blake3Hasher.newKeyed(key);
      return (data) => {
        h.reset();
        return h.update(data).digestBuffer();
      };
    },
    plain: (data) => new Blake3Hasher().update(data).digestBuffer(),
    plainParts: (parts) => {
      const h = new Blake3Hasher();
      for (const p of parts) h.update(p);
      return h.digestBuffer();
    },
  };
}

async function loadWasm(): Promise<Hasher> {
  // Imported only when needed: the wasm bundle costs ~50 ms of start-up for every command.
  const { createBLAKE3 } = await import('hash-wasm');
  const plainHasher = await createBLAKE3(256);
  const keyedCache = new Map<string, Awaited<ReturnType<typeof createBLAKE3>>>();
  // hash-wasm needs an async factory per key; keys are few (one per vault), so we pre-create lazily
  // through a synchronous wrapper that was warmed by `keyed()` callers via prepareKey.
  const hasher: Hasher & { prepareKey(key: Buffer): Promise<void> } = {
    implementation: 'wasm',
    keyed: (key) => {
      const h = keyedCache.get(key.toString('hex'));
      if (!h) throw new Error('wasm keyed hasher used before prepareKey');
      return (data) => {
        h.init();
        h.update(data);
        return Buffer.from(h.digest('binary'));
      };
    },
    plain: (data) => {
      plainHasher.init();
      plainHasher.update(data);
      return Buffer.from(plainHasher.digest('binary'));
    },
    plainParts: (parts) => {
      plainHasher.init();
      for (const p of parts) plainHasher.update(p);
      return Buffer.from(plainHasher.digest('binary'));
    },
    prepareKey: async (key) => {
      const hex = key.toString('hex');
      if (!keyedCache.has(hex)) keyedCache.set(hex, await createBLAKE3(256, key));
    },
  };
  return hasher;
}

/** Returns a keyed hash function ready for synchronous use, whichever implementation is loaded. */
export async function keyedHashFn(hasher: Hasher, key: Buffer): Promise<HashFn> {
  const maybe = hasher as Hasher & { prepareKey?(key: Buffer): Promise<void> };
  if (maybe.prepareKey) await maybe.prepareKey(key);
  return hasher.keyed(key);
}
