/**
 * Catalog tables and segments without a vault: trees are fed through importTree from plain tree
 * objects (the reader is the input, not a stand-in for our code). A segment must round-trip, apply
 * only where it was cut, and be refused when damaged in ways a checksum would not catch.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TreeNode } from '../../../../main/engine/index.js';
import { CatalogTable, compactTable, TYPE_DIR } from '../../../../main/service/catalog/catalog-table.js';
import { importTree } from '../../../../main/service/catalog/import-tree.js';
import { applySegment, encodeSegment, SegmentError } from '../../../../main/service/catalog/segment-file.js';

const id = (s: string): string => createHash('sha256').update(s).digest('hex');
const file = (name: string, content: string, mtimeNs = '1700000000123456789'): TreeNode => ({ name, type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeNs, size: content.length, chunks: content ? [id(content)] : [] });
const dir = (name: string, tree: string): TreeNode => ({ name, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeNs: '0', tree });

/** A little vault of trees: root → {a.txt, sub → {b.txt}}, in two versions sharing `sub`. */
function fixture(): { trees: Map<string, { entries: TreeNode[] }>; roots: string[] } {
  const trees = new Map<string, { entries: TreeNode[] }>();
  const put = (key: string, entries: TreeNode[]): string => {
    trees.set(id(key), { entries });
    return id(key);
  };
  const sub = put('sub', [file('b.txt', 'bee')]);
  const r1 = put('root1', [file('a.txt', 'one'), dir('sub', sub)]);
  const r2 = put('root2', [file('a.txt', 'two'), file('new', ''), dir('sub', sub)]);
  return { trees, roots: [r1, r2] };
}

async function load(table: CatalogTable, roots: string[]): Promise<number[]> {
  const { trees } = fixture();
  const counters = { treesRead: 0, entriesRead: 0 };
  const out: number[] = [];
  for (const r of roots) out.push(await importTree(table, async (t) => trees.get(t)!, r, counters, () => undefined));
  return out;
}

describe('catalog tables and segments', () => {
  it('store a shared subtree and repeated rows once', async () => {
    const t = new CatalogTable();
    const { roots } = fixture();
    await load(t, roots);
    expect(t.treeIds).toHaveLength(3);
    // rows: b.txt, sub (same child in both roots), a.txt ×2 versions, new → 5 distinct
    expect(t.eName.length).toBe(5);
    expect(t.strings.filter((s) => s === 'sub')).toHaveLength(1);
  });

  it('round-trip through segments cut at any point', async () => {
    const t = new CatalogTable();
    const { roots } = fixture();
    await load(t, [roots[0]]);
    const first = encodeSegment(t, new CatalogTable().counts())!;
    const mid = t.counts();
    await load(t, [roots[1]]);
    const second = encodeSegment(t, mid)!;
    expect(encodeSegment(t, t.counts())).toBeNull();

    const copy = new CatalogTable();
    applySegment(copy, first);
    applySegment(copy, second);
    expect(copy.treeIds).toEqual(t.treeIds);
    expect(copy.strings).toEqual(t.strings);
    expect(copy.contents).toEqual(t.contents);
    expect(copy.trees.map((r) => [...r])).toEqual(t.trees.map((r) => [...r]));
    for (let e = 0; e < t.eName.length; e++) expect(copy.entry(e)).toEqual(t.entry(e));
    // Applied out of order, a segment is refused.
    expect(() => applySegment(new CatalogTable(), second)).toThrow(SegmentError);
  });

  it('refuse truncation, foreign bytes and a directory row that would make a cycle', async () => {
    const t = new CatalogTable();
    await load(t, fixture().roots);
    const seg = encodeSegment(t, new CatalogTable().counts())!;
    expect(() => applySegment(new CatalogTable(), seg.subarray(0, seg.length - 3))).toThrow(SegmentError);
    expect(() => applySegment(new CatalogTable(), Buffer.from('not a segment at all'))).toThrow(SegmentError);

    // Point the `sub` row at its own parent: a cycle the checksum of a rewritten file would not catch.
    const cyclic = new CatalogTable();
    applySegment(cyclic, seg);
    const subRow = [...cyclic.trees[1]].find((e) => cyclic.eType.values[e] === TYPE_DIR)!;
    cyclic.eRef.values[subRow] = 1;
    expect(() => applySegment(new CatalogTable(), encodeSegment(cyclic, new CatalogTable().counts())!)).toThrow(/not below it/);
  });

  it('compaction keeps exactly the trees reachable from the given roots', async () => {
    const t = new CatalogTable();
    const [, r2] = await load(t, fixture().roots);
    const c = compactTable(t, [r2]);
    expect(c.treeIds).toEqual([t.treeIds[0], t.treeIds[2]]);
    const root = c.treeNumber(t.treeIds[2])!;
    expect([...c.trees[root]].map((e) => c.nameOf(e))).toEqual(['a.txt', 'new', 'sub']);
    expect(c.eName.length).toBe(4);
    expect(c.find(root, 'sub')).toBeGreaterThanOrEqual(0);
    expect(c.find(root, 'zzz')).toBe(-1);
  });
});
