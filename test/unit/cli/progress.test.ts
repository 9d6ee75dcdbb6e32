/** The progress line must never wrap, including for paths with wide (CJK, emoji) characters. */
import { describe, expect, it } from 'vitest';
import { fitLeft, width } from '../../../main/cli/progress.js';

describe('progress line width', () => {
  it('counts wide characters as two columns', () => {
    expect(width('abc')).toBe(3);
    expect(width('日本語')).toBe(6);
    expect(width('中文 文件')).toBe(9);
    expect(width('😀')).toBe(2);
  });

  it('keeps the end of a path within the columns given', () => {
    const p = '/home/ann/メモ/日本語のファイル名がとても長い.txt';
    for (const cols of [5, 10, 17, 30]) {
      const f = fitLeft(p, cols);
      expect(width(f)).toBeLessThanOrEqual(cols);
      expect(f.startsWith('…')).toBe(true);
      expect(p.endsWith(f.slice(1))).toBe(true);
    }
    expect(fitLeft('/short', 20)).toBe('/short');
  });
});
