/** What a preview makes of a file's first bytes: images by signature, text by decoding, else none. */
import { describe, expect, it } from 'vitest';
import { dropIncompleteUtf8Tail, guessContent } from '../../../../main/service/points/guess-content.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

describe('guessContent', () => {
  it('knows images by their signature, not their name', () => {
    expect(guessContent('holiday.txt', PNG, false)).toEqual({ mime: 'image/png', kind: 'image', text: null });
    expect(guessContent('a.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), true).kind).toBe('image');
    expect(guessContent('a.gif', Buffer.from('GIF89a\x01\x00', 'latin1'), false).mime).toBe('image/gif');
    expect(guessContent('fake.png', Buffer.from('not a picture'), false)).toMatchObject({ kind: 'text', mime: 'text/plain' });
  });

  it('decodes UTF-8 text, typed by its name', () => {
    expect(guessContent('notes.md', Buffer.from('# héllo\n'), false)).toEqual({ mime: 'text/markdown', kind: 'text', text: '# héllo\n' });
    expect(guessContent('empty', Buffer.alloc(0), false)).toEqual({ mime: 'text/plain', kind: 'text', text: '' });
  });

  it('falls back to single-byte text, and calls control-heavy or NUL-holding bytes binary', () => {
    expect(guessContent('old.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), false)).toMatchObject({ kind: 'text', text: 'café\n' });
    expect(guessContent('x.txt', Buffer.from('abc\0def'), false).kind).toBe('binary');
    expect(guessContent('x.dat', Buffer.from([0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x81]), false).kind).toBe('binary');
    expect(guessContent('doc.pdf', Buffer.from('%PDF-1.7\n'), false)).toMatchObject({ kind: 'binary', mime: 'application/pdf' });
  });

  it('shows a whole SVG as an image, a cut-off one as text', () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>');
    expect(guessContent('logo.svg', svg, false)).toMatchObject({ kind: 'image', mime: 'image/svg+xml' });
    expect(guessContent('logo.svg', svg, true).kind).toBe('text');
  });

  it('drops a multi-byte character cut off at the end, and only that', () => {
    const euro = Buffer.from('a€'); // 61 e2 82 ac
    expect(dropIncompleteUtf8Tail(euro.subarray(0, 3)).toString()).toBe('a');
    expect(dropIncompleteUtf8Tail(euro.subarray(0, 2)).toString()).toBe('a');
    expect(dropIncompleteUtf8Tail(euro).toString()).toBe('a€');
    expect(guessContent('t.txt', euro.subarray(0, 3), true)).toMatchObject({ kind: 'text', text: 'a' });
    // Not cut off: invalid UTF-8 at the end is not text of that encoding.
    expect(guessContent('t.txt', euro.subarray(0, 3), false).text).not.toBe('a');
  });
});
