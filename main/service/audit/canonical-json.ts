/**
 * Canonical JSON for hashing audit records: object keys sorted by UTF-16 code unit, no whitespace,
 * undefined members omitted, arrays in order. `canonicalJson(JSON.parse(JSON.stringify(x)))` equals
 * `canonicalJson(x)` for every JSON-safe x, which is what lets a verifier re-derive a record's hash
 * from the line it reads, whatever key order the writer used.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    const s = JSON.stringify(value);
    if (s === undefined) throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
    return s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}
