/**
 * Directory trees (docs/vault-format.md, "Trees"). Decoding validates every name, because a restore
 * must never be steered outside its target by a crafted vault.
 */
import { DeskVaultError } from '../../core/errors.js';

export type NodeType = 'file' | 'dir' | 'symlink';

export interface TreeNode {
  name: string;
  type: NodeType;
  mode: number;
  uid: number;
  gid: number;
  mtimeNs: string;
  ctimeNs?: string;
  inode?: string;
  size?: number;
  chunks?: string[];
  tree?: string;
  target?: string;
}

export interface Tree {
  version: 1;
  entries: TreeNode[];
}

const HEX64 = /^[0-9a-f]{64}$/;

export function isSafeName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name !== '.' &&
    name !== '..' &&
    !name.includes('/') &&
    !name.includes('\\') &&
    !name.includes('\0')
  );
}

export function encodeTree(entries: TreeNode[]): Buffer {
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Buffer.from(JSON.stringify({ version: 1, entries } satisfies Tree));
}

export function decodeTree(bytes: Buffer, what: string): Tree {
  const bad = (why: string): DeskVaultError => new DeskVaultError('INTEGRITY', `${what}: ${why}`, { what });
  let t: Tree;
  try {
    t = JSON.parse(bytes.toString('utf8')) as Tree;
  } catch {
    throw bad('not valid JSON');
  }
  if (t?.version !== 1 || !Array.isArray(t.entries)) throw bad('not a version 1 tree');
  const seen = new Set<string>();
  for (const e of t.entries) {
    if (!isSafeName(e?.name)) {
      throw new DeskVaultError('UNSAFE_PATH', `${what}: refusing the entry name ${JSON.stringify(e?.name)} (not a single path component)`, { what, name: String(e?.name) });
    }
    if (seen.has(e.name)) throw new DeskVaultError('UNSAFE_PATH', `${what}: the name ${JSON.stringify(e.name)} appears twice`, { what, name: e.name });
    seen.add(e.name);
    if (e.type === 'file') {
      if (!Array.isArray(e.chunks) || !e.chunks.every((c) => HEX64.test(c))) throw bad(`file ${e.name} has an invalid chunk list`);
    } else if (e.type === 'dir') {
      if (typeof e.tree !== 'string' || !HEX64.test(e.tree)) throw bad(`directory ${e.name} has an invalid tree id`);
    } else if (e.type === 'symlink') {
      if (typeof e.target !== 'string') throw bad(`symlink ${e.name} has no target`);
    } else {
      throw bad(`entry ${e.name} has unknown type ${String((e as TreeNode).type)}`);
    }
  }
  return t;
}
