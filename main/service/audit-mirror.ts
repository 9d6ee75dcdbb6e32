/**
 * The audit trail mirrored into the vaults (docs/vault-format.md, "Audit trail"): after a backup
 * to a vault, the records not yet there are uploaded as sealed `audit/<host-id>/…` segments. The
 * host id is this machine's name plus a random id of the state folder (kept in `install-id`), so
 * two machines sharing a vault keep separate chains. A mirror failure never fails the backup; it
 * is logged on the job.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditMirrorer, type AuditMirror, type SyncResult } from './audit/index.js';
import type { DeskVaultService } from './service.js';
import { writeFileAtomic } from './state/atomic-file.js';
import type { VaultSession } from './vault-service.js';

const PREFIX = 'audit/';

export async function hostIdOf(home: string): Promise<string> {
  const file = path.join(home, 'install-id');
  let id = (await fs.readFile(file, 'utf8').catch(() => '')).trim();
  if (!/^[0-9a-f]{12}$/.test(id)) {
    id = randomBytes(6).toString('hex');
    await writeFileAtomic(file, `${id}\n`, 0o644);
  }
  const host = os.hostname().replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'host';
  return `${host}-${id}`;
}

function vaultMirror(session: VaultSession): AuditMirror {
  const vault = session.vault;
  return {
    put: (name, data) => vault.putObject(name, Buffer.from(data)),
    get: async (name) => vault.getObject(name),
    list: async () => (await vault.listIds(PREFIX)).map((id) => `${PREFIX}${id}`),
  };
}

export async function mirrorAudit(svc: DeskVaultService, session: VaultSession): Promise<SyncResult> {
  const mirrorer = new AuditMirrorer({ log: svc.audit, mirror: vaultMirror(session), hostId: await hostIdOf(svc.home) });
  return mirrorer.sync();
}

export async function verifyAuditMirror(svc: DeskVaultService, session: VaultSession) {
  const mirrorer = new AuditMirrorer({ log: svc.audit, mirror: vaultMirror(session), hostId: await hostIdOf(svc.home) });
  return mirrorer.verifyMirror();
}
