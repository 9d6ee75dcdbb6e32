/**
 * Compression codecs for sealed blobs (format: a 1-byte codec tag before the payload).
 * zstd through the N-API binding `zstd-napi` (works in Node and Electron without a per-ABI
 * rebuild); if it cannot load, @bokuweb/zstd-wasm takes over so data stays readable everywhere.
 */
import { createRequire } from 'node:module';
import { DeskVaultError } from '../../core/errors.js';

export const CODEC_NONE = 0;
export const CODEC_ZSTD = 1;

export interface Zstd {
  readonly implementation: 'native' | 'wasm';
  compress(data: Uint8Array, level: number): Buffer;
  decompress(data: Uint8Array): Buffer;
}

interface NativeZstd {
  Compressor: new () => { setParameters(p: { compressionLevel: number }): void; compress(b: Uint8Array): Buffer };
  decompress(b: Uint8Array): Buffer;
}

let cached: Promise<Zstd> | undefined;

export function loadZstd(options: { forceWasm?: boolean } = {}): Promise<Zstd> {
  if (options.forceWasm) return loadWasm();
  cached ??= loadNative().catch(() => loadWasm());
  return cached;
}

async function loadNative(): Promise<Zstd> {
  const req = createRequire(import.meta.url);
  const z = req('zstd-napi') as NativeZstd;
  // A reused Compressor per level avoids re-allocating the zstd context per chunk (~2x faster).
  const compressors = new Map<number, InstanceType<NativeZstd['Compressor']>>();
  return {
    implementation: 'native',
    compress(data, level) {
      let c = compressors.get(level);
      if (!c) {
        c = new z.Compressor();
        c.setParameters({ compressionLevel: level });
        compressors.set(level, c);
      }
      return c.compress(data);
    },
    decompress: (data) => z.decompress(data),
  };
}

async function loadWasm(): Promise<Zstd> {
  const req = createRequire(import.meta.url);
  const w = req('@bokuweb/zstd-wasm') as {
    init(): Promise<void>;
    compress(b: Uint8Array, level: number): Uint8Array;
    decompress(b: Uint8Array): Uint8Array;
  };
  await w.init();
  return {
    implementation: 'wasm',
    compress: (data, level) => Buffer.from(w.compress(data, level)),
    decompress: (data) => Buffer.from(w.decompress(data)),
  };
}

export function unknownCodec(tag: number): DeskVaultError {
  return new DeskVaultError('INTEGRITY', `unknown compression codec ${tag} in a blob (written by a newer DeskVault?)`, { codec: tag });
}
