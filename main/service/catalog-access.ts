/**
 * The API's browse/search/versions/diff answered from the catalog (catalog/), one per registered
 * vault, kept under `<state>/catalog/<vault id>/`. The catalog is a cache: it is brought up to
 * date with the vault (sync: new points added, forgotten ones dropped) before the first query of
 * a vault in this process and after each backup, so answers never lag what the vault holds.
 * `rebuild` starts it over from the vault's metadata (the `catalog.rebuild` job, and adopting a
 * vault); queries that arrive meanwhile wait for it, as they wait for the first sync.
 */
import * as path from 'node:path';
import type { ApiParsedInput, ApiResults, BrowseEntry } from '../core/api.js';
import { DeskVaultError } from '../core/errors.js';
import { coldStorageClassOf } from '../engine/index.js';
import { Catalog, type SyncProgress, type SyncResult } from './catalog/catalog.js';
import type { PointFileRow } from './catalog/point-files.js';
import { toPointInfo } from './points/point-info.js';
import type { DeskVaultService } from './service.js';

export class CatalogAccess {
  private readonly open = new Map<string, Promise<Catalog>>();

  constructor(private readonly svc: DeskVaultService) {}

  /** The vault's catalog, synced with the vault at first use in this process. */
  private catalog(vaultName: string): Promise<Catalog> {
    let c = this.open.get(vaultName);
    if (!c) {
      c = (async () => {
        const session = await this.svc.registry.open(vaultName);
        const catalog = await Catalog.open(path.join(this.svc.home, 'catalog', session.id), session.id);
        await catalog.sync(session);
        return catalog;
      })();
      this.open.set(vaultName, c);
      c.catch(() => this.open.delete(vaultName));
    }
    return c;
  }

  /**
   * Forgets the vault's catalog and reads it again from the vault's points and folder listings
   * (metadata packs only). Cancelling keeps what was read (the next query's sync resumes it).
   */
  async rebuild(vaultName: string, onProgress: (p: SyncProgress) => void, signal?: AbortSignal): Promise<SyncResult> {
    const session = await this.svc.registry.open(vaultName);
    // A catalog already open (or being synced) is the one rebuilt: its queue orders the two.
    const current = await this.open.get(vaultName)?.catch(() => null);
    // (A name registered again for another vault has another catalog.)
    const catalog = current && current.vaultId === session.id ? current : await Catalog.open(path.join(this.svc.home, 'catalog', session.id), session.id);
    const run = catalog.rebuild(session, onProgress, { signal });
    const ready = run.then(() => catalog);
    this.open.set(vaultName, ready);
    ready.catch(() => {
      if (this.open.get(vaultName) === ready) this.open.delete(vaultName);
    });
    return run;
  }

  /** Adds the points a backup (or copy) just committed. */
  async afterBackup(vaultName: string): Promise<void> {
    const c = this.open.get(vaultName);
    if (!c) return; // not opened yet: the first query syncs it
    await (await c).sync(await this.svc.registry.open(vaultName));
  }

  /**
   * A point's files (path, content id, size) from the vault's catalog, brought up to date with the
   * vault first; a point the catalog lacks (its trees could not be read) yields nothing.
   */
  async fileLister(vaultName: string): Promise<(pointId: string) => Iterable<PointFileRow>> {
    const opened = this.open.has(vaultName);
    const catalog = await this.catalog(vaultName);
    if (opened) await catalog.sync(await this.svc.registry.open(vaultName));
    const known = new Set(catalog.listPoints().map((p) => p.id));
    return (pointId) => (known.has(pointId) ? catalog.files(pointId) : []);
  }

  private async resolve(catalog: Catalog, ref: string): Promise<string> {
    const points = catalog.listPoints();
    if (ref === 'latest') {
      const last = points[points.length - 1];
      if (!last) throw new DeskVaultError('NOT_FOUND', 'the vault has no recovery points yet', {});
      return last.id;
    }
    const hits = points.filter((p) => p.id.startsWith(ref));
    if (hits.length === 0) throw new DeskVaultError('NOT_FOUND', `no recovery point ${ref}`, { point: ref });
    if (hits.length > 1) throw new DeskVaultError('AMBIGUOUS', `${ref} matches ${hits.length} recovery points; give more characters`, { point: ref });
    return hits[0].id;
  }

  async browse(input: ApiParsedInput<'points.browse'>): Promise<ApiResults['points.browse']> {
    const catalog = await this.catalog(input.vault);
    const id = await this.resolve(catalog, input.point);
    const session = await this.svc.registry.open(input.vault);
    // The id is resolved (by the catalog): one manifest, not a listing of every point per page.
    const [point, plans, holds] = await Promise.all([session.vault.readPoint(id), this.svc.plans.list(), this.svc.holds.active()]);
    const r = catalog.listDir(id, input.path || '/', { offset: input.offset, limit: input.limit, sort: input.sort, order: input.order });
    const entries: BrowseEntry[] = r.entries.map((e) => ({ name: e.name, path: e.path, type: e.type, size: e.size ?? null, mtime: e.mtime, mode: e.mode, ...(e.target !== undefined ? { target: e.target } : {}) }));
    const coldStorageSupported = coldStorageClassOf(session.vault) !== null;
    return { point: toPointInfo(point, input.vault, plans, holds, { coldStorageSupported }), path: input.path || '/', entries, total: r.total };
  }

  async search(input: ApiParsedInput<'points.search'>): Promise<ApiResults['points.search']> {
    if (!input.glob && !input.text) throw new DeskVaultError('INVALID_INPUT', 'search needs a glob or a text', { field: 'glob' });
    const catalog = await this.catalog(input.vault);
    const times = new Map(catalog.listPoints().map((p) => [p.id, p.time]));
    const r = catalog.search({ glob: input.glob, text: input.text, limit: input.limit });
    return {
      hits: r.hits.map((h) => ({ pointId: h.pointId, time: times.get(h.pointId) ?? '', path: h.path, type: h.type, size: h.size ?? null, mtime: h.mtime })),
      truncated: r.total > r.hits.length,
    };
  }

  async versions(input: ApiParsedInput<'points.versions'>): Promise<ApiResults['points.versions']> {
    const catalog = await this.catalog(input.vault);
    return {
      versions: catalog.versions(input.path).map((v) => ({ contentId: v.contentId, size: v.size ?? null, mtime: v.mtime, pointIds: v.pointIds, firstSeen: v.firstSeen.time, lastSeen: v.lastSeen.time })),
    };
  }

  async diff(input: ApiParsedInput<'points.diff'>): Promise<ApiResults['points.diff']> {
    const catalog = await this.catalog(input.vault);
    const [a, b] = [await this.resolve(catalog, input.from), await this.resolve(catalog, input.to)];
    const d = catalog.diff(a, b);
    return { added: d.added.map((e) => e.path), removed: d.removed.map((e) => e.path), changed: d.changed.map((e) => e.path) };
  }
}
