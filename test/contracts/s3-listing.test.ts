/**
 * Listings longer than one S3 page (1000 keys): S3Store.list must follow continuation tokens and
 * yield every key exactly once. Run on fauxqs, which pages like S3 (s3rver's continuation tokens
 * need Node's legacy OpenSSL provider, which a test process cannot switch on after start).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { S3Store } from '../../main/engine/storage/s3/s3-store.js';
import { mapLimit } from '../../main/engine/util/map-limit.js';
import { S3_CREDENTIALS } from '../helpers/s3-server.js';

let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
let client: S3Client;
beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
  client = new S3Client({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, maxAttempts: 1 });
  await client.send(new CreateBucketCommand({ Bucket: 'many' }));
});
afterAll(async () => {
  client?.destroy();
  await fauxqs?.stop();
});

describe('S3Store listing past one page (fauxqs)', () => {
  it('lists 2,345 keys under a prefix — every one, once, with its size — and nothing outside it', async () => {
    const s = new S3Store({ bucket: 'many', prefix: 'vault' }, { client });
    const expected = new Map<string, number>();
    for (let i = 0; i < 2345; i++) expected.set(`data/${(i % 256).toString(16).padStart(2, '0')}/pack-${i.toString().padStart(5, '0')}`, i % 7);
    await mapLimit([...expected], 16, async ([key, size]) => s.put(key, Buffer.alloc(size, 1)));
    await s.put('index/outside-the-prefix', Buffer.alloc(1));
    await new S3Store({ bucket: 'many', prefix: 'other' }, { client }).put('data/00/not-mine', Buffer.alloc(1));

    let pages = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListObjectsV2Command') pages++;
        return next(args);
      },
      { step: 'initialize', name: 'countListPages' },
    );
    const seen: [string, number][] = [];
    for await (const o of s.list('data/')) seen.push([o.key, o.size]);
    expect(pages).toBe(3); // 1000 + 1000 + 345: continuation tokens were really followed
    expect(seen.length).toBe(expected.size); // no key twice
    expect(new Map(seen)).toEqual(expected);
  });
});
