/**
 * What the first bytes of a file are, for a preview: an image a browser shows (by its signature),
 * text (no NUL byte, and valid UTF-8 — or, failing that, mostly printable single-byte text), or
 * something else ("no preview"). The signature decides before the name, so a renamed photo is still
 * an image and a `.png` holding text is not sent as one; the name only refines a text's type and
 * recognises SVG. Pure: no I/O.
 */

export interface ContentGuess {
  mime: string;
  kind: 'text' | 'image' | 'binary';
  /** kind text: the bytes decoded (an incomplete last character of a cut-off file dropped). */
  text: string | null;
}

const SIGNATURES: { mime: string; kind: ContentGuess['kind']; test: (b: Buffer) => boolean }[] = [
  { mime: 'image/png', kind: 'image', test: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mime: 'image/jpeg', kind: 'image', test: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  { mime: 'image/gif', kind: 'image', test: (b) => ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a') },
  { mime: 'image/webp', kind: 'image', test: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP') },
  { mime: 'image/bmp', kind: 'image', test: (b) => ascii(b, 0, 'BM') && b.length >= 26 && b.readUInt32LE(2) >= 26 },
  { mime: 'image/x-icon', kind: 'image', test: (b) => starts(b, [0x00, 0x00, 0x01, 0x00]) && b.length >= 6 && b.readUInt16LE(4) > 0 },
  { mime: 'image/avif', kind: 'image', test: (b) => ascii(b, 4, 'ftypavif') },
  { mime: 'application/pdf', kind: 'binary', test: (b) => ascii(b, 0, '%PDF-') },
  { mime: 'application/zip', kind: 'binary', test: (b) => starts(b, [0x50, 0x4b, 0x03, 0x04]) },
  { mime: 'application/gzip', kind: 'binary', test: (b) => starts(b, [0x1f, 0x8b]) },
];

const TEXT_TYPES: Record<string, string> = {
  md: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  ts: 'text/x-typescript',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  svg: 'image/svg+xml',
};

export function guessContent(name: string, head: Buffer, truncated: boolean): ContentGuess {
  for (const s of SIGNATURES) if (s.test(head)) return { mime: s.mime, kind: s.kind, text: null };
  const text = decodeText(truncated ? dropIncompleteUtf8Tail(head) : head);
  if (text === null) return { mime: 'application/octet-stream', kind: 'binary', text: null };
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  // An SVG is shown as an image (an <img> runs none of its scripts); as text when cut off.
  if (ext === 'svg' && /<svg[\s>]/.test(text) && !truncated) return { mime: 'image/svg+xml', kind: 'image', text: null };
  return { mime: TEXT_TYPES[ext] ?? 'text/plain', kind: 'text', text };
}

/** UTF-8 if it is valid; else single-byte text (windows-1252) if under 1% are control bytes; else null. */
function decodeText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let control = 0;
    for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
    return control <= bytes.length / 100 ? new TextDecoder('windows-1252').decode(bytes) : null;
  }
}

/** A file cut off after N bytes may end inside a multi-byte character: drop that partial character. */
export function dropIncompleteUtf8Tail(bytes: Buffer): Buffer {
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (bytes[i] & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes;
  const lead = bytes[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > continuation + 1 ? bytes.subarray(0, i) : bytes;
}

function starts(b: Buffer, sig: number[]): boolean {
  return b.length >= sig.length && sig.every((v, i) => b[i] === v);
}

function ascii(b: Buffer, at: number, s: string): boolean {
  return b.length >= at + s.length && b.toString('latin1', at, at + s.length) === s;
}
