/**
 * Sealed blobs (docs/vault-format.md, "Blobs"): nonce ‖ AES-256-GCM(codec ‖ payload) ‖ tag, with
 * associated data binding a blob to its id or object name.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { CODEC_NONE, CODEC_ZSTD, loadZstd, type Zstd } from '../../../../main/engine/crypto/codec.js';
import { decrypt, encrypt, NONCE_BYTES, SEAL_OVERHEAD, Sealer, TAG_BYTES } from '../../../../main/engine/crypto/sealer.js';
import { xorshiftBytes } from '../../../helpers/engine-fixtures.js';

const KEY = Buffer.alloc(32, 0x6b);
const AAD = Buffer.from('points/' + 'cd'.repeat(32));
const TEXT = Buffer.from('Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(400));

let zstd: Zstd;
let sealer: Sealer;
beforeAll(async () => {
  zstd = await loadZstd();
  sealer = new Sealer(KEY, zstd, 3);
});

function codecOf(sealed: Buffer, aad = AAD): number {
  return decrypt(KEY, sealed, aad, 'test')[0];
}

function expectIntegrity(fn: () => unknown): DeskVaultError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DeskVaultError);
  expect((err as DeskVaultError).code).toBe('INTEGRITY');
  return err as DeskVaultError;
}

describe('Sealer', () => {
  it('round-trips compressible data compressed (codec 1, smaller than the input)', () => {
    const sealed = sealer.seal(TEXT, AAD);
    expect(codecOf(sealed)).toBe(CODEC_ZSTD);
    expect(sealed.length).toBeLessThan(TEXT.length / 10);
    expect(sealer.open(sealed, AAD, 'text').equals(TEXT)).toBe(true);
  });

  it('round-trips without compression when asked (codec 0, exact overhead)', () => {
    const sealed = sealer.seal(TEXT, AAD, { compress: false });
    expect(codecOf(sealed)).toBe(CODEC_NONE);
    expect(sealed.length).toBe(TEXT.length + SEAL_OVERHEAD);
    expect(sealer.open(sealed, AAD, 'text').equals(TEXT)).toBe(true);
  });

  it.each([
    ['a small random payload', 1000],
    ['a random payload above the sampling threshold', 300 * 1024],
  ])('stores incompressible data as is: %s', (_, size) => {
    const random = xorshiftBytes(size, size);
    const sealed = sealer.seal(random, AAD);
    expect(codecOf(sealed)).toBe(CODEC_NONE);
    expect(sealed.length).toBe(size + SEAL_OVERHEAD);
    expect(sealer.open(sealed, AAD, 'random').equals(random)).toBe(true);
  });

  it('round-trips empty and tiny payloads (never compressed below 64 bytes)', () => {
    for (const p of [Buffer.alloc(0), Buffer.from('x'), Buffer.alloc(63, 0x61)]) {
      const sealed = sealer.seal(p, AAD);
      expect(codecOf(sealed)).toBe(CODEC_NONE);
      expect(sealer.open(sealed, AAD, 'tiny').equals(p)).toBe(true);
    }
  });

  it('sealInto writes the same kind of blob at an offset and refuses when it does not fit', () => {
    const out = Buffer.alloc(TEXT.length + 1000);
    const len = sealer.sealInto(TEXT, AAD, out, 100);
    expect(len).toBeGreaterThan(0);
    expect(sealer.open(out.subarray(100, 100 + len), AAD, 'into').equals(TEXT)).toBe(true);
    const tooSmall = Buffer.alloc(50);
    expect(sealer.sealInto(xorshiftBytes(1, 100), AAD, tooSmall, 0)).toBe(-1);
  });

  it('uses a fresh nonce for every seal', () => {
    const a = sealer.seal(TEXT, AAD);
    const b = sealer.seal(TEXT, AAD);
    expect(a.subarray(0, NONCE_BYTES).equals(b.subarray(0, NONCE_BYTES))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it.each([
    ['compressed', true],
    ['stored', false],
  ])('refuses a %s blob with any single byte altered (INTEGRITY)', (_, compress) => {
    const payload = TEXT.subarray(0, 300);
    const sealed = sealer.seal(payload, AAD, { compress });
    expect(codecOf(sealed)).toBe(compress ? CODEC_ZSTD : CODEC_NONE);
    for (let i = 0; i < sealed.length; i++) {
      for (const flip of [0x01, 0x80]) {
        const bad = Buffer.from(sealed);
        bad[i] ^= flip;
        expectIntegrity(() => sealer.open(bad, AAD, 'tampered'));
      }
    }
  });

  it('refuses a truncated or extended blob (INTEGRITY)', () => {
    const sealed = sealer.seal(TEXT, AAD);
    for (const bad of [sealed.subarray(0, sealed.length - 1), sealed.subarray(1), sealed.subarray(0, SEAL_OVERHEAD - 1), Buffer.alloc(0), Buffer.concat([sealed, Buffer.of(0)])]) {
      expectIntegrity(() => sealer.open(bad, AAD, 'cut'));
    }
  });

  it('refuses the wrong associated data (a blob moved to another id or name) with INTEGRITY naming the blob', () => {
    const sealed = sealer.seal(TEXT, AAD);
    for (const aad of [Buffer.from('points/' + 'ce'.repeat(32)), Buffer.alloc(0), Buffer.concat([AAD, Buffer.of(0)]), AAD.subarray(1)]) {
      const err = expectIntegrity(() => sealer.open(sealed, aad, 'points/other'));
      expect(err.message).toContain('points/other');
    }
  });

  it('refuses a blob sealed under another key (INTEGRITY)', () => {
    const other = new Sealer(Buffer.alloc(32, 0x6c), zstd, 3);
    expectIntegrity(() => sealer.open(other.seal(TEXT, AAD), AAD, 'foreign'));
  });

  it('refuses an authentic blob with an unknown codec byte or a bad zstd frame (INTEGRITY, not a crash)', () => {
    const unknown = encrypt(KEY, 7, Buffer.from('payload'), AAD);
    expectIntegrity(() => sealer.open(unknown, AAD, 'unknown codec'));
    const notZstd = encrypt(KEY, CODEC_ZSTD, Buffer.from('definitely not a zstd frame'), AAD);
    expectIntegrity(() => sealer.open(notZstd, AAD, 'bad frame'));
  });

  it('lays a blob out as nonce(12) ‖ ciphertext ‖ tag(16)', () => {
    const sealed = encrypt(KEY, CODEC_NONE, Buffer.from('abc'), AAD);
    expect(sealed.length).toBe(NONCE_BYTES + 1 + 3 + TAG_BYTES);
    const plain = decrypt(KEY, sealed, AAD, 'layout');
    expect([...plain]).toEqual([CODEC_NONE, 0x61, 0x62, 0x63]);
  });

  it('openScratch returns what open returns, for stored and compressed blobs, and refuses damage the same way', () => {
    const blobs = [sealer.seal(TEXT, AAD), sealer.seal(xorshiftBytes(3, 5000), AAD), sealer.seal(Buffer.alloc(0), AAD)];
    for (const sealed of blobs) {
      const expected = sealer.open(sealed, AAD, 'b');
      expect(Buffer.from(sealer.openScratch(sealed, AAD, 'b')).equals(expected)).toBe(true);
      const bad = Buffer.from(sealed);
      bad[bad.length - 1] ^= 1;
      expectIntegrity(() => sealer.openScratch(bad, AAD, 'b'));
      expectIntegrity(() => sealer.openScratch(sealed, Buffer.from('elsewhere'), 'b'));
      // After a refused blob the scratch serves the next one correctly.
      expect(Buffer.from(sealer.openScratch(sealed, AAD, 'b')).equals(expected)).toBe(true);
    }
  });

  it('sealed blobs never share memory with the codec scratch buffers', () => {
    const a = TEXT;
    const b = Buffer.from('Something else entirely, also compressible. '.repeat(300));
    const sealedA = sealer.seal(a, AAD);
    const copyA = Buffer.from(sealedA);
    const sealedB = sealer.seal(b, AAD);
    expect(sealedA.equals(copyA)).toBe(true);
    const out = Buffer.alloc(200_000);
    const lenA = sealer.sealInto(a, AAD, out, 0);
    const lenB = sealer.sealInto(b, AAD, out, lenA);
    expect(sealer.open(out.subarray(0, lenA), AAD, 'a').equals(a)).toBe(true);
    expect(sealer.open(out.subarray(lenA, lenA + lenB), AAD, 'b').equals(b)).toBe(true);
    expect(sealer.open(sealedB, AAD, 'b').equals(b)).toBe(true);
    // open() results stay valid after later opens (only openScratch results are transient).
    const openedA = sealer.open(sealedA, AAD, 'a');
    sealer.open(sealedB, AAD, 'b');
    sealer.openScratch(sealedB, AAD, 'b');
    expect(openedA.equals(a)).toBe(true);
  });

  it('requires a 32-byte key', () => {
    expect(() => new Sealer(Buffer.alloc(16), zstd, 3)).toThrow();
  });
});
