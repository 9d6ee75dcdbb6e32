/**
 * Makes call arguments safe to keep in the audit trail: a deep, JSON-safe copy in which the value of
 * every secret-looking key is "[redacted]", and passwords inside URLs (`scheme://user:pw@host`) are
 * masked. A key is secret when its name, lowercased with `-`, `_` and spaces removed, contains one of
 * SECRET_KEY_WORDS — so `newPassphrase`, `aws_secret_access_key` and `X-Api-Token` are caught too.
 * Over-redaction is the safe failure: a redacted harmless value costs a little detail, a leaked
 * secret in an append-only log mirrored into every vault cannot be taken back.
 *
 * The copy is JSON-safe so it can be hashed canonically: bytes become "[N bytes]", dates ISO
 * strings, bigints strings; functions, symbols and undefined values are dropped; cycles become
 * "[circular]"; nesting deeper than MAX_DEPTH becomes "[too deep]".
 */

export const REDACTED = '[redacted]';

export const SECRET_KEY_WORDS: readonly string[] = [
  'password',
  'passphrase',
  'passwd',
  'secret', // secret, secretAccessKey, clientSecret
  'token', // token, sessionToken, apiToken, refreshToken
  'recoverycode',
  'accesskey', // accessKey, accessKeyId (an id alone is not secret, but it names who may sign: keep it out)
  'apikey',
  'privatekey',
  'cookie',
  'authorization',
  'credential',
];

const MAX_DEPTH = 32;

export function isSecretKey(key: string): boolean {
  const norm = key.toLowerCase().replace(/[-_\s]/g, '');
  return SECRET_KEY_WORDS.some((w) => norm.includes(w));
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON-safe deep copy of `value` with secrets replaced by "[redacted]". Never throws. */
export function redactSecrets(value: unknown): JsonValue | undefined {
  return copy(value, new WeakSet(), 0);
}

function copy(value: unknown, seen: WeakSet<object>, depth: number): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
      return maskUrlPassword(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof Uint8Array || obj instanceof ArrayBuffer) return `[${obj.byteLength} bytes]`;
  if (obj instanceof URL) return maskUrlPassword(obj.href);
  if (obj instanceof Error) return { name: obj.name, message: maskUrlPassword(obj.message) };
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (seen.has(obj)) return '[circular]';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((v) => copy(v, seen, depth + 1) ?? null);
    if (obj instanceof Map) return copyEntries([...obj.entries()].map(([k, v]) => [String(k), v]), seen, depth);
    if (obj instanceof Set) return [...obj].map((v) => copy(v, seen, depth + 1) ?? null);
    return copyEntries(Object.entries(obj), seen, depth);
  } finally {
    // A value reachable twice without a cycle (a DAG) is copied twice, not marked circular.
    seen.delete(obj);
  }
}

function copyEntries(entries: [string, unknown][], seen: WeakSet<object>, depth: number): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, v] of entries) {
    if (isSecretKey(k)) {
      if (v !== undefined) out[k] = REDACTED;
      continue;
    }
    const c = copy(v, seen, depth + 1);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** `s3://AKID:secret@host/x` → `s3://AKID:[redacted]@host/x`; other strings are returned as they are. */
function maskUrlPassword(s: string): string {
  return s.includes('://') ? s.replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^/\s@]*@/gi, `$1:${REDACTED}@`) : s;
}
