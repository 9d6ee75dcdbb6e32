/**
 * The key slots of a registered vault as the API manages them (`keys.list|add|remove`). Any slot
 * opens the vault, and adding or removing one rewrites no data (engine/repo/key-slots.ts). What
 * this adds to the engine: which slot this service opens the vault with (`current`; `appManaged`
 * when that is the app key kept in this computer's key store), and the refusal to remove that slot
 * — the next start could not open the vault any more. The one exception is a KMS rotation: the
 * current KMS slot may go once another KMS slot of the vault has been seen to open it (a real
 * kms:Decrypt, before anything is removed); the registry record then names the new key, and the
 * vault is opened through it from then on.
 *
 * Changes to one vault's slots run one at a time, so two removals racing cannot both pass the
 * "not the last slot" test. A passphrase goes to the engine and nowhere else: the audit trail
 * redacts the `passphrase` argument, and nothing here logs.
 */
import type { ApiParsedInput, ApiResults, KeySlotView } from '../../core/api.js';
import { DeskVaultError } from '../../core/errors.js';
import type { VaultRecord } from '../../core/model.js';
import { listSlots, summarizeSlot, Vault, type KeySlot, type KmsSlot } from '../../engine/index.js';
import type { VaultSession } from '../vault-service.js';
import type { VaultRegistry } from './vault-registry.js';

export class KeySlots {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly registry: VaultRegistry) {}

  async list(vault: string): Promise<KeySlotView[]> {
    const { record, session } = await this.open(vault);
    return (await listSlots(session.vault.store)).map((s) => toView(s, record, session));
  }

  /** Adds a passphrase slot, or a KMS slot (kms:DescribeKey and kms:Encrypt on the key; errors name the missing right). */
  add(input: ApiParsedInput<'keys.add'>): Promise<KeySlotView> {
    return this.serial(input.vault, async () => {
      const { record, session } = await this.open(input.vault);
      const slot = input.kmsKey !== undefined ? await session.vault.addKmsSlot(input.kmsKey) : await session.vault.addPassphraseSlot(input.passphrase!);
      return toView(slot, record, session);
    });
  }

  /** Removes a slot by id or unique prefix; see the class comment for what is refused. */
  remove(vault: string, ref: string): Promise<ApiResults['keys.remove']> {
    return this.serial(vault, async () => {
      const { record, session } = await this.open(vault);
      const slots = await listSlots(session.vault.store);
      const slot = findSlot(slots, ref, vault);
      // With one slot left the engine refuses, in its own words; the current slot among several is ours to guard.
      const rotatedTo = slots.length > 1 && slot.id === session.openedSlotId ? await this.anotherWayIn(record, session, slots, slot) : null;
      const { lockedUntil } = await session.removeKey(slot.id);
      if (rotatedTo) {
        if (record.keyProvider === 'kms') await this.registry.update(vault, (r) => ({ ...r, kmsKey: rotatedTo.keyId }));
        this.registry.closeSession(vault);
      }
      return { removed: slot.id, lockedUntil };
    });
  }

  private async open(vault: string): Promise<{ record: VaultRecord; session: VaultSession }> {
    const [record, session] = await Promise.all([this.registry.get(vault), this.registry.open(vault)]);
    return { record, session };
  }

  /**
   * The KMS slot the service will open the vault with once `slot` (the current one) is gone, or a
   * refusal saying what to do instead. Only a KMS slot has a replacement the service finds by itself.
   */
  private async anotherWayIn(record: VaultRecord, session: VaultSession, slots: KeySlot[], slot: KeySlot): Promise<KmsSlot> {
    const name = record.name;
    const short = slot.id.slice(0, 8);
    if (slot.kind === 'kms') {
      const others = slots.filter((s): s is KmsSlot => s.kind === 'kms' && s.id !== slot.id);
      let why = 'the vault has no other AWS KMS key slot';
      if (others.length > 0) {
        try {
          const reopened = await Vault.openKnown(session.vault.store, session.vault.config, others, null);
          return reopened.openedSlot as KmsSlot;
        } catch (err) {
          why = `no other AWS KMS key slot of the vault opens it from here (${(err as Error).message})`;
        }
      }
      throw new DeskVaultError(
        'INVALID_INPUT',
        `key slot ${short} is the AWS KMS key (${slot.keyId}) DeskVault opens vault "${name}" with, and ${why}: removing it would lock DeskVault out. To rotate to another KMS key, add a slot for the new key first (kms:Encrypt and kms:Decrypt on it), then remove this one.`,
        { vault: name, slot: slot.id },
      );
    }
    if (record.keyProvider === 'app') {
      throw new DeskVaultError(
        'INVALID_INPUT',
        `key slot ${short} holds the key DeskVault keeps for vault "${name}" in this computer's key store, which is how DeskVault opens the vault: removing it would lock DeskVault out. Remove another slot, or, to retire this one, forget the vault and add it again opened by one of its passphrases ("My passphrase"), then remove this slot.`,
        { vault: name, slot: slot.id },
      );
    }
    throw new DeskVaultError(
      'INVALID_INPUT',
      `key slot ${short} holds the passphrase DeskVault opens vault "${name}" with: removing it would lock DeskVault out. To change that passphrase, add a slot with the new one, forget the vault and add it again with the new passphrase, then remove this slot.`,
      { vault: name, slot: slot.id },
    );
  }

  private serial<T>(vault: string, fn: () => Promise<T>): Promise<T> {
    // The queue holds settled promises only (see below), so a failed change never blocks the next.
    const run = (this.queues.get(vault) ?? Promise.resolve()).then(fn);
    const settled = run.catch(() => undefined);
    this.queues.set(vault, settled);
    void settled.then(() => this.queues.get(vault) === settled && this.queues.delete(vault));
    return run;
  }
}

function findSlot(slots: KeySlot[], ref: string, vault: string): KeySlot {
  const match = slots.filter((s) => s.id === ref || s.id.startsWith(ref));
  if (match.length === 0) throw new DeskVaultError('NOT_FOUND', `vault "${vault}" has no key slot ${ref}`, { vault, slot: ref });
  if (match.length > 1) throw new DeskVaultError('AMBIGUOUS', `key slot prefix ${ref} matches ${match.length} slots of vault "${vault}"; give more of its id`, { vault, slot: ref });
  return match[0];
}

function toView(slot: KeySlot, record: VaultRecord, session: VaultSession): KeySlotView {
  const current = slot.id === session.openedSlotId;
  const common = { id: slot.id, created: slot.created, current, appManaged: current && slot.kind === 'passphrase' && record.keyProvider === 'app', recoveryCode: slot.id === record.recoveryCodeSlot };
  if (slot.kind === 'kms') return { ...common, kind: 'kms', kmsKeyId: slot.keyId, kmsKeyArn: slot.keyArn };
  return { ...common, kind: 'passphrase', kdf: summarizeSlot(slot).kdf };
}
