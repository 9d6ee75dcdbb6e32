/**
 * The ObjectStore contract (main/engine/storage/object-store.ts), as one suite every store runs:
 * the local folder store now, S3 and the wrappers (retry, limits, faults) later. Bytes read back
 * are compared, never just success.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../main/core/errors.js';
import type { ObjectStore } from '../../main/engine/storage/object-store.js';

export function objectStoreContract(name: string, makeStore: () => Promise<ObjectStore>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    it('put then get returns the same bytes; a part list is stored concatenated', async () => {
      const s = await makeStore();
      const a = randomBytes(100_000);
      await s.put('data/ab/one', a);
      expect((await s.get('data/ab/one')).equals(a)).toBe(true);
      const parts = [randomBytes(10), randomBytes(70_000), Buffer.alloc(0), randomBytes(3)];
      await s.put('index/two', parts);
      expect((await s.get('index/two')).equals(Buffer.concat(parts))).toBe(true);
    });

    it('put replaces an existing object whole', async () => {
      const s = await makeStore();
      await s.put('points/p', Buffer.from('first version, longer'));
      await s.put('points/p', Buffer.from('second'));
      expect((await s.get('points/p')).toString()).toBe('second');
    });

    it('get with a range returns exactly that range; into a caller buffer too', async () => {
      const s = await makeStore();
      const a = randomBytes(50_000);
      await s.put('data/cd/r', a);
      expect((await s.get('data/cd/r', { offset: 1234, length: 4321 })).equals(a.subarray(1234, 1234 + 4321))).toBe(true);
      expect((await s.get('data/cd/r', { offset: 49_990, length: 10 })).equals(a.subarray(49_990))).toBe(true);
      const into = Buffer.alloc(60_000, 0xee);
      expect((await s.get('data/cd/r', { offset: 10, length: 100 }, into)).equals(a.subarray(10, 110))).toBe(true);
      expect((await s.get('data/cd/r', undefined, into)).equals(a)).toBe(true);
    });

    it('a range past the end is an error, not short data', async () => {
      const s = await makeStore();
      await s.put('data/ef/short', Buffer.alloc(100, 1));
      await expect(s.get('data/ef/short', { offset: 90, length: 20 })).rejects.toBeInstanceOf(DeskVaultError);
    });

    it('get and head of a missing object: NOT_FOUND and null', async () => {
      const s = await makeStore();
      await expect(s.get('points/missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await s.head('points/missing')).toBeNull();
    });

    it('head reports the size', async () => {
      const s = await makeStore();
      await s.put('keys/k', Buffer.alloc(777));
      expect(await s.head('keys/k')).toEqual({ key: 'keys/k', size: 777 });
    });

    it('list yields every object under a prefix with its size, and nothing else', async () => {
      const s = await makeStore();
      const keys = ['data/00/a', 'data/00/b', 'data/ff/c', 'meta/11/d', 'index/e', 'config'];
      for (const [i, k] of keys.entries()) await s.put(k, Buffer.alloc(i + 1));
      const list = async (p: string): Promise<string[]> => {
        const out: string[] = [];
        for await (const o of s.list(p)) out.push(`${o.key}:${o.size}`);
        return out.sort();
      };
      expect(await list('data/')).toEqual(['data/00/a:1', 'data/00/b:2', 'data/ff/c:3']);
      expect(await list('index/')).toEqual(['index/e:5']);
      expect(await list('points/')).toEqual([]);
    });

    it('delete removes; deleting a missing object succeeds', async () => {
      const s = await makeStore();
      await s.put('leases/l', Buffer.from('x'));
      await s.delete('leases/l');
      expect(await s.head('leases/l')).toBeNull();
      await s.delete('leases/l');
      await s.delete('leases/never');
    });

    it('refuses keys that could escape the store', async () => {
      const s = await makeStore();
      for (const k of ['/abs', '../up', 'data/../../x', '.hidden', 'a\\b']) {
        await expect(s.put(k, Buffer.alloc(1))).rejects.toThrow(/invalid object key/);
      }
    });
  });
}
