/**
 * S3 and network failures as DeskVault errors: one clear sentence, the IAM action concerned when
 * a permission is missing, and `data.retryable` for what RetryStore may try again (throttling,
 * server errors, timeouts, dropped connections, a body damaged in transit). Permanent problems —
 * a missing permission, a missing bucket, rejected credentials — fail at once.
 */
import { DeskVaultError } from '../../../core/errors.js';

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'BadDigest',
  'InvalidDigest',
  'XAmzContentSHA256Mismatch',
  'TimeoutError',
  'NoSuchUpload',
]);
const RETRYABLE_NET = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENOTFOUND', 'ERR_STREAM_PREMATURE_CLOSE']);

export function mapS3Error(err: unknown, ctx: { action: string; key: string; location: string }): unknown {
  if (err instanceof DeskVaultError) return err;
  const e = (err ?? {}) as AwsLikeError;
  const name = e.name ?? e.Code ?? '';
  const status = e.$metadata?.httpStatusCode;
  const where = `${ctx.location}/${ctx.key}`;
  const data = { action: ctx.action, key: ctx.key, location: ctx.location, awsError: name || null, status: status ?? null };
  if (name === 'NoSuchBucket') {
    return new DeskVaultError('VAULT_NOT_FOUND', `the bucket of ${ctx.location} does not exist (or is in another account); check the location`, { ...data, retryable: false }, { cause: err });
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return new DeskVaultError('NOT_FOUND', `${ctx.key} does not exist in ${ctx.location}`, { ...data, retryable: false }, { cause: err });
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch' || name === 'ExpiredToken' || name === 'TokenRefreshRequired') {
    return new DeskVaultError('ACCESS_DENIED', `the AWS credentials were rejected (${name}); check the profile or environment that provides them`, { ...data, retryable: false }, { cause: err });
  }
  // Before the 403 test: S3 answers InvalidObjectState with HTTP 403 too (a GET or a copy of an
  // object in GLACIER or DEEP_ARCHIVE), and it is no missing permission.
  if (name === 'InvalidObjectState') {
    return new DeskVaultError('INTEGRITY', `${where} is in an archive storage class and must be restored (thawed) before it can be read`, { ...data, retryable: false }, { cause: err });
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
    return new DeskVaultError('ACCESS_DENIED', `access denied: the AWS credentials in use lack ${ctx.action} on ${ctx.location}`, { ...data, permission: ctx.action, retryable: false }, { cause: err });
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return new DeskVaultError('USAGE', 'no AWS credentials found: set AWS_PROFILE (or ?profile= in the location), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run on a machine with a role', { ...data, retryable: false }, { cause: err });
  }
  if (name === 'NotImplemented' || name === 'MethodNotAllowed' || status === 501) {
    return new DeskVaultError('IO', `${ctx.location} does not support ${ctx.action} (${name || `HTTP ${status}`}); this S3-compatible service lacks a feature DeskVault uses`, { ...data, retryable: false }, { cause: err });
  }
  const netCode = e.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  if (RETRYABLE_NAMES.has(name) || (status !== undefined && status >= 500) || (netCode && RETRYABLE_NET.has(netCode))) {
    const what = netCode ? `cannot reach ${ctx.location} (${netCode})` : `${ctx.location} answered ${name || `HTTP ${status}`}`;
    return new DeskVaultError('IO', `${what} during ${ctx.action} of ${ctx.key}`, { ...data, retryable: true }, { cause: err });
  }
  return new DeskVaultError('IO', `${ctx.action} of ${where} failed: ${name ? `${name}: ` : ''}${e.message ?? String(err)}`, { ...data, retryable: false }, { cause: err });
}
