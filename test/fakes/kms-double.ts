/**
 * A protocol-level test double of AWS KMS (no emulator exists): an HTTP server on 127.0.0.1 that
 * speaks the KMS JSON 1.1 protocol (`POST /`, `x-amz-target: TrentService.<Op>`, base64 blobs,
 * errors as HTTP 400 `{"__type": …, "message": …}`), so the real @aws-sdk/client-kms is exercised.
 * Operations: DescribeKey, GenerateDataKey, Encrypt, Decrypt — with encryption contexts enforced,
 * aliases, disabled keys, keys pending deletion, and permissions that tests can revoke per action.
 * Error types are all non-retryable ones, so the SDK fails fast.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Key {
  id: string;
  arn: string;
  material: Buffer;
  enabled: boolean;
  pendingDeletion: boolean;
}

export interface KmsDouble {
  endpoint: string;
  /** Creates a key; returns its id (and ARN); `alias` makes `alias/NAME` point to it. */
  createKey(alias?: string): { id: string; arn: string };
  setEnabled(keyId: string, enabled: boolean): void;
  schedulePendingDeletion(keyId: string): void;
  /** Makes every call of this action (e.g. 'kms:Decrypt') fail with AccessDeniedException. */
  deny(action: string): void;
  allowAll(): void;
  /** Calls received, by operation (tests assert KMS was really used). */
  calls: Record<string, number>;
  close(): Promise<void>;
}

const REGION = 'us-east-1';
const ACCOUNT = '111122223333';

export async function startKmsDouble(): Promise<KmsDouble> {
  const keys = new Map<string, Key>();
  const aliases = new Map<string, string>();
  const denied = new Set<string>();
  const calls: Record<string, number> = {};

  const find = (keyId: string | undefined): Key => {
    if (!keyId) throw kmsError('ValidationException', 'KeyId is required');
    let id = keyId;
    if (id.startsWith('alias/')) id = aliases.get(id) ?? '';
    else if (id.startsWith('arn:aws:kms:')) id = id.includes(':alias/') ? (aliases.get(`alias/${id.split(':alias/')[1]}`) ?? '') : id.split(':key/')[1] ?? '';
    const k = keys.get(id);
    if (!k) throw kmsError('NotFoundException', `Key '${keyId}' does not exist`);
    return k;
  };
  const usable = (k: Key): void => {
    if (k.pendingDeletion) throw kmsError('KMSInvalidStateException', `${k.arn} is pending deletion.`);
    if (!k.enabled) throw kmsError('DisabledException', `${k.arn} is disabled.`);
  };
  const aad = (ctx: Record<string, string> | undefined): Buffer => Buffer.from(JSON.stringify(Object.entries(ctx ?? {}).sort()));
  // Ciphertext blob: key id (36 bytes) ‖ iv (12) ‖ tag (16) ‖ ciphertext.
  const seal = (k: Key, plaintext: Buffer, ctx?: Record<string, string>): Buffer => {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', k.material, iv);
    c.setAAD(aad(ctx));
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    return Buffer.concat([Buffer.from(k.id), iv, c.getAuthTag(), ct]);
  };
  const open = (blob: Buffer, ctx?: Record<string, string>): { key: Key; plaintext: Buffer } => {
    const k = keys.get(blob.subarray(0, 36).toString());
    if (!k || blob.length < 64) throw kmsError('InvalidCiphertextException', 'The ciphertext is invalid.');
    usable(k);
    try {
      const d = createDecipheriv('aes-256-gcm', k.material, blob.subarray(36, 48));
      d.setAAD(aad(ctx));
      d.setAuthTag(blob.subarray(48, 64));
      return { key: k, plaintext: Buffer.concat([d.update(blob.subarray(64)), d.final()]) };
    } catch {
      throw kmsError('InvalidCiphertextException', 'The ciphertext or its encryption context is invalid.');
    }
  };

  const ops: Record<string, (req: Record<string, unknown>) => unknown> = {
    DescribeKey: (req) => {
      const k = find(req.KeyId as string);
      return { KeyMetadata: { KeyId: k.id, Arn: k.arn, Enabled: k.enabled, KeyState: k.pendingDeletion ? 'PendingDeletion' : k.enabled ? 'Enabled' : 'Disabled', KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT' } };
    },
    GenerateDataKey: (req) => {
      const k = find(req.KeyId as string);
      usable(k);
      if (req.KeySpec !== 'AES_256' && req.NumberOfBytes !== 32) throw kmsError('ValidationException', 'KeySpec must be AES_256');
      const plaintext = randomBytes(32);
      return { KeyId: k.arn, Plaintext: plaintext.toString('base64'), CiphertextBlob: seal(k, plaintext, req.EncryptionContext as Record<string, string>).toString('base64') };
    },
    Encrypt: (req) => {
      const k = find(req.KeyId as string);
      usable(k);
      return { KeyId: k.arn, CiphertextBlob: seal(k, Buffer.from(req.Plaintext as string, 'base64'), req.EncryptionContext as Record<string, string>).toString('base64') };
    },
    Decrypt: (req) => {
      const { key, plaintext } = open(Buffer.from(req.CiphertextBlob as string, 'base64'), req.EncryptionContext as Record<string, string>);
      if (req.KeyId && find(req.KeyId as string).id !== key.id) throw kmsError('IncorrectKeyException', 'The key ID in the request does not identify the key that encrypted the ciphertext.');
      return { KeyId: key.arn, Plaintext: plaintext.toString('base64') };
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').replace(/^TrentService\./, '');
      calls[op] = (calls[op] ?? 0) + 1;
      let status = 200;
      let body: unknown;
      try {
        const handler = ops[op];
        if (!handler) throw kmsError('UnsupportedOperationException', `${op} is not supported by this test double`);
        if (denied.has(`kms:${op}`)) {
          throw kmsError('AccessDeniedException', `User: arn:aws:iam::${ACCOUNT}:user/test is not authorized to perform: kms:${op} because no identity-based policy allows the kms:${op} action`);
        }
        body = handler(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      } catch (err) {
        status = 400;
        const e = err as { type?: string; message: string };
        body = { __type: e.type ?? 'InternalFailure', message: e.message };
      }
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomBytes(8).toString('hex') });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    createKey(alias) {
      const id = randomUUID();
      const k: Key = { id, arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`, material: randomBytes(32), enabled: true, pendingDeletion: false };
      keys.set(id, k);
      if (alias) aliases.set(`alias/${alias}`, id);
      return { id, arn: k.arn };
    },
    setEnabled: (keyId, enabled) => void (find(keyId).enabled = enabled),
    schedulePendingDeletion: (keyId) => void (find(keyId).pendingDeletion = true),
    deny: (action) => void denied.add(action),
    allowAll: () => denied.clear(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function kmsError(type: string, message: string): Error & { type: string } {
  return Object.assign(new Error(message), { type });
}

function randomUUID(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
