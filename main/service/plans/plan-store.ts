/**
 * Backup plans (`plans.json`): what to protect (resources) and how (rules). Every write replaces
 * the file atomically; every read validates it with the shared schema. A plan names vaults by
 * their registered names, checked when the plan is saved.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { DeskVaultError } from '../../core/errors.js';
import { Plan, PlanInput } from '../../core/model.js';
import { readJsonFile, writeJsonAtomic } from '../state/atomic-file.js';

const PlansFile = z.object({ version: z.literal(1), plans: z.array(Plan) });

export class PlanStore {
  private readonly file: string;

  constructor(
    home: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = path.join(home, 'plans.json');
  }

  async list(): Promise<Plan[]> {
    return (await readJsonFile(this.file, PlansFile, { version: 1, plans: [] })).plans;
  }

  async get(name: string): Promise<Plan> {
    const p = (await this.list()).find((x) => x.name === name);
    if (!p) throw new DeskVaultError('NOT_FOUND', `no plan named "${name}" (see \`deskvault plan list\`)`, { plan: name });
    return p;
  }

  async create(input: z.output<typeof PlanInput>): Promise<Plan> {
    const all = await this.list();
    if (all.some((p) => p.name === input.name)) throw new DeskVaultError('ALREADY_EXISTS', `a plan named "${input.name}" already exists`, { plan: input.name });
    const at = this.now().toISOString();
    const plan = Plan.parse({ ...input, createdAt: at, updatedAt: at });
    await this.save([...all, plan]);
    return plan;
  }

  async update(input: z.output<typeof PlanInput>): Promise<Plan> {
    const all = await this.list();
    const i = all.findIndex((p) => p.name === input.name);
    if (i < 0) throw new DeskVaultError('NOT_FOUND', `no plan named "${input.name}"`, { plan: input.name });
    all[i] = Plan.parse({ ...input, createdAt: all[i].createdAt, updatedAt: this.now().toISOString() });
    await this.save(all);
    return all[i];
  }

  async delete(name: string): Promise<void> {
    const all = await this.list();
    if (!all.some((p) => p.name === name)) throw new DeskVaultError('NOT_FOUND', `no plan named "${name}"`, { plan: name });
    await this.save(all.filter((p) => p.name !== name));
  }

  private save(plans: Plan[]): Promise<void> {
    return writeJsonAtomic(this.file, { version: 1, plans });
  }
}
