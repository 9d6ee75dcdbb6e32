/**
 * A real S3 protocol server on 127.0.0.1 for tests: s3rver (files on disk), started in-process on a
 * free port. Its quirks (../shared/TOOLCHAIN.md): the access key id must be S3RVER; streamed bodies
 * need requestChecksumCalculation WHEN_REQUIRED; listings past 1000 keys need the legacy OpenSSL
 * provider (tests stay below that); signatures, checksums and permissions are not checked.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { makeTempDir } from './files.js';

export interface S3TestServer {
  endpoint: string;
  client: S3Client;
  /** Environment for a CLI subprocess that talks to this server. */
  env: Record<string, string>;
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export async function startS3Server(): Promise<S3TestServer> {
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: makeTempDir('dv-s3rver-') });
  const info = (await server.run()) as { address: string; port: number };
  const endpoint = `http://127.0.0.1:${info.port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
  return {
    endpoint,
    client,
    env: {
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
