/**
 * One process per state folder runs the service (scheduler, watchers, jobs): the app,
 * `deskvault daemon` or `deskvault serve`. It holds `service.lock`, created exclusively, holding
 * its pid, host and — once it listens — the loopback endpoint other processes use to reach it.
 * A lock left by a process that no longer runs on this host is taken over; a lock of a live
 * process is reported with its pid. The file is 0600 because the endpoint carries the API token.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DeskVaultError } from '../../core/errors.js';
import { writeFileAtomic } from './atomic-file.js';

const LockInfo = z.object({
  pid: z.int(),
  host: z.string(),
  startedAt: z.string(),
  kind: z.string(),
  endpoint: z.object({ url: z.string(), token: z.string() }).optional(),
});
export type LockInfo = z.infer<typeof LockInfo>;

export const LOCK_FILE = 'service.lock';

export class StateLock {
  private constructor(
    readonly file: string,
    private info: LockInfo,
  ) {}

  /** Takes the lock or throws VAULT_LOCKED naming the process that holds it. */
  static async acquire(home: string, kind: string): Promise<StateLock> {
    await fs.mkdir(home, { recursive: true, mode: 0o700 });
    const file = path.join(home, LOCK_FILE);
    const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), kind };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fh = await fs.open(file, 'wx', 0o600);
        try {
          await fh.writeFile(JSON.stringify(info));
          await fh.sync();
        } finally {
          await fh.close();
        }
        return new StateLock(file, info);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = await readLock(home);
      if (holder && isAlive(holder)) {
        throw new DeskVaultError('VAULT_LOCKED', `the DeskVault service (${holder.kind}, pid ${holder.pid}) already runs for ${home}`, { pid: holder.pid, home });
      }
      // Dead holder (or an unreadable lock from a crash mid-write): remove and retry. Two
      // processes racing here both unlink, and only one wins the exclusive create.
      await fs.rm(file, { force: true });
    }
    throw new DeskVaultError('VAULT_LOCKED', `could not take the service lock in ${home}`, { home });
  }

  /** Records where this process serves the API, so the CLI can reach it. */
  async publishEndpoint(endpoint: { url: string; token: string }): Promise<void> {
    this.info = { ...this.info, endpoint };
    await writeFileAtomic(this.file, JSON.stringify(this.info), 0o600);
  }

  async release(): Promise<void> {
    const current = await readLock(path.dirname(this.file));
    if (current && current.pid === this.info.pid && current.host === this.info.host) await fs.rm(this.file, { force: true });
  }
}

/** The live holder of the state folder's lock, or null. */
export async function runningService(home: string): Promise<LockInfo | null> {
  const info = await readLock(home);
  return info && isAlive(info) ? info : null;
}

async function readLock(home: string): Promise<LockInfo | null> {
  try {
    const parsed = LockInfo.safeParse(JSON.parse(await fs.readFile(path.join(home, LOCK_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function isAlive(info: LockInfo): boolean {
  // Another host's lock (a state folder on a shared drive) cannot be checked: treat it as live.
  if (info.host !== os.hostname()) return true;
  if (info.pid === process.pid) return true;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
