/**
 * Secrets never reach the log file: values under secret-looking keys are replaced, and strings are
 * scrubbed of the shapes secrets take in messages (`token=…`, `Bearer …`, JSON `"passphrase":"…"`,
 * recovery codes, AWS secret keys). Applied by an electron-log hook to every message, including
 * lines the service host prints. Over-redacting a harmless value is the accepted cost.
 */
const SECRET_KEY = /pass(word|phrase)?|secret|token|recovery.?code|api.?key|authori[sz]ation|cookie|credential|private.?key|app.?key|^key$/i;

const STRING_RULES: [RegExp, string][] = [
  // "passphrase": "…" in JSON text, and key=value in URLs, headers and command lines
  [/("(?:[^"]*?(?:pass(?:word|phrase)?|secret|token|recoveryCode|apiKey|authorization)[^"]*)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"[redacted]"'],
  [/\b((?:[a-z_-]*?(?:pass(?:word|phrase)?|secret|token|api[_-]?key))\s*[=:]\s*)[^\s&"',;]+/gi, '$1[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, '$1 [redacted]'],
  // DeskVault recovery codes: five groups of five
  [/\b[0-9A-Z]{5}(?:-[0-9A-Z]{5}){4}\b/g, '[redacted recovery code]'],
  // AWS secret access keys: 40 characters of base64 after an access-key-looking context
  [/\b(aws_secret_access_key\s*[=:]\s*)\S+/gi, '$1[redacted]'],
];

export function redactString(text: string): string {
  let out = text;
  for (const [re, replacement] of STRING_RULES) out = out.replace(re, replacement);
  return out;
}

/** A copy of `value` with secrets replaced; cycles and depth beyond 8 are cut, not followed. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 8) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const copy = new Error(redactString(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : redactString(value.stack);
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined ? '[redacted]' : redact(v, depth + 1, seen);
  return out;
}
