/**
 * Legal holds (`holds.json`): a title and a selection (plans, vaults, a date range) of recovery
 * points that retention, lifecycle and prune never delete while the hold stands. Releasing keeps
 * the record (with `releasedAt`) so the history of holds stays visible and audited.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { z } from 'zod';
import { DeskVaultError } from '../../core/errors.js';
import { LegalHold, LegalHoldInput } from '../../core/model.js';
import { readJsonFile, writeJsonAtomic } from '../state/atomic-file.js';

const HoldsFile = z.object({ version: z.literal(1), holds: z.array(LegalHold) });

export class HoldStore {
  private readonly file: string;

  constructor(
    home: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = path.join(home, 'holds.json');
  }

  async list(): Promise<LegalHold[]> {
    return (await readJsonFile(this.file, HoldsFile, { version: 1, holds: [] })).holds;
  }

  async active(): Promise<LegalHold[]> {
    return (await this.list()).filter((h) => !h.releasedAt);
  }

  async create(input: z.output<typeof LegalHoldInput>): Promise<LegalHold> {
    const hold = LegalHold.parse({ ...input, id: randomBytes(6).toString('hex'), createdAt: this.now().toISOString() });
    await this.save([...(await this.list()), hold]);
    return hold;
  }

  async release(id: string): Promise<LegalHold> {
    const all = await this.list();
    const i = all.findIndex((h) => h.id === id);
    if (i < 0) throw new DeskVaultError('NOT_FOUND', `no legal hold ${id}`, { hold: id });
    if (!all[i].releasedAt) all[i] = { ...all[i], releasedAt: this.now().toISOString() };
    await this.save(all);
    return all[i];
  }

  private save(holds: LegalHold[]): Promise<void> {
    return writeJsonAtomic(this.file, { version: 1, holds });
  }
}
