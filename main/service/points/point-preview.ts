/**
 * `points.preview`: the first bytes of one file of a recovery point, for the UI to show as text or
 * an image. The file is found by walking the point's folder listings, then only the chunks that
 * hold its first `maxBytes` are read — each authenticated and checked against its id, as a restore
 * does — into memory. Nothing is written to disk; the call changes nothing (not audited).
 *
 * Errors: NOT_FOUND (no such point, or the path is not in it), INVALID_INPUT (a folder or a
 * symbolic link: no content to show), INTEGRITY (a damaged chunk, as restore would report).
 */
import type { ApiParsedInput, FilePreview } from '../../core/api.js';
import { DeskVaultError } from '../../core/errors.js';
import { pathComponents } from '../../engine/index.js';
import type { RecoveryPoint, TreeNode, VaultSession } from '../vault-service.js';
import { guessContent } from './guess-content.js';

export async function previewFile(session: VaultSession, input: Omit<ApiParsedInput<'points.preview'>, 'vault'>): Promise<FilePreview> {
  const { path, maxBytes } = input;
  const point = await session.resolvePoint(input.point);
  const index = await session.chunkIndex();
  const node = await findNode(session, index, point, path);
  if (node.type === 'dir') throw new DeskVaultError('INVALID_INPUT', `${path} is a folder; only files have a preview`, { path });
  if (node.type !== 'file') throw new DeskVaultError('INVALID_INPUT', `${path} is a symbolic link${node.target ? ` to ${node.target}` : ''}; it has no content of its own to preview`, { path });

  const parts: Buffer[] = [];
  let read = 0;
  for (const chunk of node.chunks ?? []) {
    if (read >= maxBytes) break;
    const plain = await session.vault.readBlob(index, Buffer.from(chunk, 'hex'), `${path}: chunk ${chunk.slice(0, 12)}`);
    const want = maxBytes - read;
    // A part of a large chunk is copied, so the rest of the chunk is not kept alive by the answer.
    parts.push(plain.length > want ? Buffer.from(plain.subarray(0, want)) : plain);
    read += Math.min(plain.length, want);
  }
  const head = Buffer.concat(parts, read);
  const size = node.size ?? read;
  const truncated = size > read;
  const name = path.split(/[\\/]/).pop() ?? path;
  const guess = guessContent(name, head, truncated);
  return {
    pointId: point.id,
    path,
    size,
    mime: guess.mime,
    kind: guess.kind,
    bytesRead: read,
    truncated,
    text: guess.text,
    base64: guess.kind === 'image' ? head.toString('base64') : null,
  };
}

type ChunkIndex = Awaited<ReturnType<VaultSession['chunkIndex']>>;

async function findNode(session: VaultSession, index: ChunkIndex, point: RecoveryPoint, path: string): Promise<TreeNode> {
  const missing = () => new DeskVaultError('NOT_FOUND', `${path} is not in recovery point ${point.id.slice(0, 8)}`, { path, point: point.id });
  const comps = pathComponents(path);
  if (comps.length === 0) throw new DeskVaultError('INVALID_INPUT', `${path} is a folder; only files have a preview`, { path });
  let treeId = point.tree;
  let node: TreeNode | undefined;
  for (const [i, name] of comps.entries()) {
    node = (await session.vault.readTree(index, treeId)).entries.find((e) => e.name === name);
    if (!node) throw missing();
    if (i < comps.length - 1) {
      if (node.type !== 'dir' || !node.tree) throw missing();
      treeId = node.tree;
    }
  }
  return node!;
}
