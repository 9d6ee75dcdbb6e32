/**
 * The vault commands of docs/cli.md: init, backup, points, ls, restore, check, forget, prune, key,
 * repair. Each action: resolve the vault and its secret, call the service, print.
 */
import { Command, Option } from 'commander';
import { DeskVaultError } from '../core/errors.js';
import {
  copyBetween,
  estimateBackup,
  initVault,
  openVault,
  parseDuration,
  parseSize,
  type RecoveryPoint,
  type RetentionPolicy,
  type VaultSession,
} from '../service/vault-service.js';
import { doctor } from '../service/doctor.js';
import { isVaultName, openRegisteredVault, registeredVaultLocation } from '../service/index.js';
import { engineLock } from '../service/vaults/lock-settings.js';
import { formatBytes, formatDuration, formatLocalTime, table } from './format.js';
import { createProgress } from './progress.js';
import { readSecret } from './secrets.js';

const EXIT_PARTIAL = 3;

interface VaultOpts {
  vault?: string;
  passwordFile?: string;
  json?: boolean;
  limitUpload?: string;
  limitDownload?: string;
}

const collect = (v: string, acc: string[]): string[] => [...acc, v];

function vaultCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option('--vault <vault>', 'a registered vault\'s name, or a location: folder, file:// URL or s3://bucket/prefix (default: $DESKVAULT_VAULT)')
    .option('--password-file <file>', 'read the passphrase from the first line of FILE (default: $DESKVAULT_PASSWORD, else a prompt)')
    .option('--limit-upload <rate>', 'upload at most RATE per second, e.g. 2M (sizes as in --exclude-larger-than)')
    .option('--limit-download <rate>', 'download at most RATE per second, e.g. 10M')
    .option('--debug', 'print stack traces of errors');
}

function limitsOf(o: VaultOpts): { limitUpload?: number; limitDownload?: number } {
  return {
    limitUpload: o.limitUpload !== undefined ? parseSize(o.limitUpload) : undefined,
    limitDownload: o.limitDownload !== undefined ? parseSize(o.limitDownload) : undefined,
  };
}

function locationOf(o: VaultOpts): string {
  const loc = o.vault ?? process.env.DESKVAULT_VAULT;
  if (!loc) throw new DeskVaultError('USAGE', 'no vault given: pass --vault LOCATION or set DESKVAULT_VAULT', {});
  return loc;
}

/**
 * Opens the vault: with the passphrase when one is given (DESKVAULT_PASSWORD or --password-file);
 * otherwise through its AWS KMS key if it has one; otherwise by asking (or exit 2 with how to).
 */
async function open(o: VaultOpts): Promise<{ session: VaultSession; openMs: number }> {
  return openAt(locationOf(o), { env: 'DESKVAULT_PASSWORD', file: o.passwordFile, fileFlag: '--password-file' }, limitsOf(o));
}

async function openAt(
  location: string,
  secret: { env: string; file?: string; fileFlag: string },
  limits: { limitUpload?: number; limitDownload?: number } = {},
): Promise<{ session: VaultSession; openMs: number }> {
  if (isVaultName(location)) {
    // A registered vault: the registry finds its key (app-managed, saved passphrase, or KMS).
    const t0 = Date.now();
    return { session: await openRegisteredVault(location, limits), openMs: Date.now() - t0 };
  }
  const given = secret.file !== undefined || !!process.env[secret.env];
  let t = Date.now();
  const session = await openVault(location, async (hasKms) => {
    const passphrase = given || !hasKms ? await readSecret({ ...secret, prompt: `Passphrase for ${location}` }) : null;
    t = Date.now(); // key opening starts here (a prompt is not part of it)
    return passphrase;
  }, limits);
  return { session, openMs: Date.now() - t };
}

function out(json: unknown): void {
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

const interactive = (o: VaultOpts): boolean => !o.json && !!process.stderr.isTTY;

function count(v: string): number {
  if (!/^\d+$/.test(v)) throw new DeskVaultError('USAGE', `"${v}" is not a whole number`, { value: v });
  return Number(v);
}

export function registerVaultCommands(program: Command): void {
  vaultCommand(program, 'init', 'create a new vault')
    .option('--kms-key <key>', 'hold the vault key in AWS KMS (key id, ARN or alias); a passphrase, if given too, becomes the recovery slot')
    .option('--copy-params-from <location>', 'share chunking with another vault so copies between them deduplicate')
    .option('--from-password-file <file>', 'passphrase of the --copy-params-from vault (default: $DESKVAULT_FROM_PASSWORD)')
    .addOption(new Option('--lock-mode <mode>', 'S3 Object Lock: keep every recovery point undeletable (with --lock-days)').choices(['governance', 'compliance']))
    .option('--lock-days <n>', 'with --lock-mode: days each recovery point stays locked', count)
    .option('--json', 'print the result as JSON')
    .action(async (o: VaultOpts & { kmsKey?: string; copyParamsFrom?: string; fromPasswordFile?: string; lockMode?: 'governance' | 'compliance'; lockDays?: number }) => {
      const location = locationOf(o);
      if (isVaultName(location)) throw new DeskVaultError('USAGE', `"${location}" is a vault name; init takes a location (a folder path with a /, or s3://…). To create and register a named vault: deskvault vault add --name ${location} --location LOCATION`, {});
      if ((o.lockMode === undefined) !== (o.lockDays === undefined)) throw new DeskVaultError('USAGE', '--lock-mode and --lock-days go together: e.g. --lock-mode governance --lock-days 30', {});
      const objectLock = engineLock(o.lockMode ? { mode: o.lockMode, days: o.lockDays! } : undefined);
      let base: VaultSession | undefined;
      if (o.copyParamsFrom) {
        base = (await openAt(o.copyParamsFrom, { env: 'DESKVAULT_FROM_PASSWORD', file: o.fromPasswordFile, fileFlag: '--from-password-file' })).session;
      }
      // With a KMS key, a passphrase is optional (the recovery slot); without, it is required.
      const passphraseGiven = o.passwordFile !== undefined || !!process.env.DESKVAULT_PASSWORD;
      const passphrase = !o.kmsKey || passphraseGiven
        ? await readSecret({ env: 'DESKVAULT_PASSWORD', file: o.passwordFile, fileFlag: '--password-file', prompt: 'New passphrase', confirm: true })
        : undefined;
      const s = await initVault(location, { passphrase, kmsKey: o.kmsKey }, { copyParamsFrom: base, objectLock });
      if (o.json) out({ id: s.id, location, kmsKey: o.kmsKey ?? null, recoveryPassphrase: !!passphrase, copiedParamsFrom: o.copyParamsFrom ?? null, objectLock: objectLock ?? null });
      else {
        say(`created vault ${s.id} at ${location}${o.kmsKey ? ` with its key held by AWS KMS (${o.kmsKey})` : ''}`);
        if (objectLock) say(`Object Lock (${objectLock.mode}): every recovery point, with everything it needs, stays undeletable for ${objectLock.days} day(s) after it is written.`);
        if (o.kmsKey && !passphrase) say('No recovery passphrase: if access to the KMS key is lost, so is the data. Add one now: deskvault key add');
        else say('Keep the passphrase safe: without it (or another key slot) the data cannot be recovered.');
      }
    });

  vaultCommand(program, 'backup', 'back up files and folders into a new recovery point')
    .argument('<path...>', 'files or folders to back up')
    .option('--tag <tag>', 'tag the recovery point (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip paths matching GLOB (repeatable; syntax: docs/patterns.md)', collect, [])
    .option('--exclude-caches', 'skip folders marked with a CACHEDIR.TAG file')
    .option('--exclude-larger-than <size>', 'skip files larger than SIZE (e.g. 500M, 2G)')
    .option('--host <name>', 'record this host name instead of the machine\'s')
    .option('--json', 'print the result as one JSON object')
    .action(async (paths: string[], o: VaultOpts & { tag: string[]; exclude: string[]; excludeCaches?: boolean; excludeLargerThan?: string; host?: string }) => {
      const excludeLargerThan = o.excludeLargerThan !== undefined ? parseSize(o.excludeLargerThan) : undefined;
      const { session, openMs } = await open(o);
      const progress = createProgress(interactive(o), 'backing up');
      const totals = interactive(o) ? estimateBackup(paths, o.exclude, 2000) : null;
      const r = await session.backup({
        paths,
        tags: o.tag,
        excludes: o.exclude,
        excludeCaches: o.excludeCaches,
        excludeLargerThan,
        host: o.host,
        onNotice: (m) => say(`note: ${m}`),
        onProgress: (p) => progress.update({ bytes: p.bytes, files: p.files, totalBytes: totals?.bytes, totalFiles: totals?.files, current: p.currentPath }),
      });
      progress.done();
      const p = r.point;
      for (const w of r.warnings) say(`warning: ${w.path}: ${w.message}`);
      for (const e of p.errors) say(`error: ${e.path}: ${e.message}`);
      if (o.json) {
        out({ id: p.id, time: p.time, status: p.status, host: p.host, paths: p.paths, tags: p.tags, parent: p.parent, stats: p.stats, errors: p.errors, warnings: r.warnings, timings: { openMs, ...r.timings } });
      } else {
        const s = p.stats;
        process.stdout.write(
          [
            `recovery point ${p.id.slice(0, 8)} ${p.status === 'COMPLETED' ? 'saved' : 'saved as PARTIAL'} (${formatDuration(s.durationMs)})`,
            `  files: ${s.files} (${s.newFiles} new, ${s.changedFiles} changed, ${s.unchangedFiles} unchanged), folders: ${s.dirs}`,
            `  data: ${formatBytes(s.bytes)} processed, ${formatBytes(s.storedBytes)} added to the vault`,
          ].join('\n') + '\n',
        );
        if (p.status === 'PARTIAL') say(`${p.errors.length} item(s) could not be read; they are listed above and in the point`);
      }
      if (p.status === 'PARTIAL') process.exitCode = EXIT_PARTIAL;
    });

  vaultCommand(program, 'points', 'list recovery points')
    .option('--json', 'print a JSON array')
    .action(async (o: VaultOpts) => {
      const { session } = await open(o);
      const points = await session.points();
      if (o.json) return out(points.map(pointJson));
      if (points.length === 0) return say('no recovery points yet');
      const rows = [['ID', 'Time', 'Host', 'Status', 'Size', 'Paths']];
      for (const p of points) rows.push([p.id.slice(0, 8), formatLocalTime(p.time), p.host, p.status, formatBytes(p.stats.bytes), p.paths.join(', ')]);
      process.stdout.write(`${table(rows)}\n${points.length} recovery point(s)\n`);
    });

  vaultCommand(program, 'ls', 'list the files of a recovery point')
    .argument('<point>', 'point id, unique id prefix, or "latest"')
    .argument('[path]', 'original absolute path to list below')
    .option('--json', 'print a JSON array')
    .action(async (pointRef: string, below: string | undefined, o: VaultOpts) => {
      const { session } = await open(o);
      const { entries } = await session.ls(pointRef, below);
      if (o.json) return out(entries);
      process.stdout.write(entries.map((e) => (e.type === 'dir' ? `${e.path}/` : e.type === 'symlink' ? `${e.path} -> ${e.target}` : e.path)).join('\n') + (entries.length ? '\n' : ''));
    });

  vaultCommand(program, 'restore', 'restore a recovery point or some of its paths')
    .argument('<point>', 'point id, unique id prefix, or "latest"')
    .argument('[path...]', 'original absolute paths to restore (default: everything)')
    .option('--target <dir>', 'recreate each absolute path under DIR (/home/a/x → DIR/home/a/x)')
    .option('--into <dir>', 'put each selected item directly into DIR under its own name')
    .option('--in-place', 'restore to the original locations')
    .addOption(new Option('--conflict <policy>', 'what to do with an existing file').choices(['skip', 'overwrite', 'keep-both']).default('keep-both'))
    .option('--dry-run', 'list what would be written, replaced or kept; write nothing')
    .option('--json', 'print the result as JSON')
    .action(async (pointRef: string, paths: string[], o: VaultOpts & { target?: string; into?: string; inPlace?: boolean; conflict: 'skip' | 'overwrite' | 'keep-both'; dryRun?: boolean }) => {
      const modes = [o.target, o.into, o.inPlace].filter((x) => x !== undefined && x !== false).length;
      if (modes !== 1) throw new DeskVaultError('USAGE', 'say where to restore: exactly one of --target DIR, --into DIR or --in-place', {});
      const mode = o.target ? { kind: 'target' as const, dir: o.target } : o.into ? { kind: 'into' as const, dir: o.into } : { kind: 'in-place' as const };
      const { session } = await open(o);
      const progress = createProgress(interactive(o) && !o.dryRun, 'restoring');
      const r = await session.restore({
        point: pointRef,
        paths,
        mode,
        conflict: o.conflict,
        dryRun: o.dryRun,
        onProgress: (p) => progress.update({ bytes: p.bytesDone, files: p.filesDone, totalBytes: p.bytesTotal, totalFiles: p.filesTotal }),
      });
      progress.done();
      if (o.json) out(r);
      else {
        if (o.dryRun) {
          for (const e of r.entries) process.stdout.write(`${e.action.padEnd(14)} ${e.path}${e.restoredAs ? ` → ${e.restoredAs}` : ''}\n`);
          process.stdout.write(`dry run: would restore ${r.files} file(s), ${formatBytes(r.bytes)}; ${r.skipped} skipped\n`);
        } else {
          for (const e of r.entries) if (e.action === 'keep-both') say(`kept existing ${e.path}; restored copy as ${e.restoredAs}`);
          process.stdout.write(`restored ${r.files} file(s), ${r.dirs} folder(s), ${r.symlinks} link(s), ${formatBytes(r.bytes)}${r.skipped ? `; ${r.skipped} skipped (already there or --conflict skip)` : ''}\n`);
        }
      }
      for (const e of r.errors) say(`error: ${e.path}: ${e.message}`);
      if (r.errors.length > 0) {
        say(`${r.errors.length} item(s) could not be restored (listed above); everything else was restored`);
        process.exitCode = 1;
      }
    });

  vaultCommand(program, 'check', 'verify the vault\'s structure and, optionally, its data')
    .option('--read-data', 'read and verify every pack')
    .option('--read-data-subset <pct>', 'read and verify a random share of packs, e.g. 10%')
    .option('--json', 'print the result as JSON')
    .action(async (o: VaultOpts & { readData?: boolean; readDataSubset?: string }) => {
      let subset: number | undefined;
      if (o.readDataSubset !== undefined) {
        const m = /^(\d+(?:\.\d+)?)%?$/.exec(o.readDataSubset.trim());
        if (!m || Number(m[1]) <= 0 || Number(m[1]) > 100) throw new DeskVaultError('USAGE', `--read-data-subset takes a percentage between 0 and 100, e.g. 10%; got "${o.readDataSubset}"`, {});
        subset = Number(m[1]) / 100;
      }
      const { session } = await open(o);
      const progress = createProgress(interactive(o), 'checking');
      const r = await session.check({ readData: o.readData, readDataSubset: subset, onProgress: (p) => progress.update({ bytes: 0, files: p.done, totalFiles: p.total }) });
      progress.done();
      if (o.json) out(r);
      else {
        for (const n of r.notes) say(`note: ${n}`);
        for (const p of r.problems) say(`problem: ${p.message}`);
        process.stdout.write(
          r.ok
            ? `no problems found: ${r.points} point(s), ${r.trees} folder listing(s), ${r.packs} pack(s)${r.packsRead ? `, ${r.packsRead} pack(s) read (${formatBytes(r.bytesRead)})` : ''}\n`
            : `${r.problems.length} problem(s) found\n`,
        );
      }
      if (!r.ok) process.exitCode = 1;
    });

  vaultCommand(program, 'forget', 'remove recovery points by a retention policy')
    .option('--keep-last <n>', 'keep the N newest points', count)
    .option('--keep-hourly <n>', 'keep the newest point of each of the last N hours', count)
    .option('--keep-daily <n>', 'keep the newest point of each of the last N days', count)
    .option('--keep-weekly <n>', 'keep the newest point of each of the last N weeks', count)
    .option('--keep-monthly <n>', 'keep the newest point of each of the last N months', count)
    .option('--keep-yearly <n>', 'keep the newest point of each of the last N years', count)
    .option('--keep-within <duration>', 'keep every point within DURATION of the newest (e.g. 2y5m7d3h)')
    .option('--dry-run', 'show what would be removed; remove nothing')
    .option('--prune', 'run prune afterwards to free the space')
    .option('--json', 'print the result as JSON')
    .action(async (o: VaultOpts & Record<string, unknown>) => {
      const policy: RetentionPolicy = {
        last: o.keepLast as number | undefined,
        hourly: o.keepHourly as number | undefined,
        daily: o.keepDaily as number | undefined,
        weekly: o.keepWeekly as number | undefined,
        monthly: o.keepMonthly as number | undefined,
        yearly: o.keepYearly as number | undefined,
        within: o.keepWithin ? parseDuration(o.keepWithin as string) : undefined,
      };
      const { session } = await open(o);
      const decisions = await session.forget(policy, { dryRun: !!o.dryRun });
      const lockedOut = decisions.filter((d) => !d.keep && d.lockedUntil);
      const removed = decisions.filter((d) => !d.keep);
      let pruned = null;
      if (o.prune && !o.dryRun && removed.length > 0) pruned = await session.prune({ onNotice: (m) => say(`note: ${m}`) });
      if (o.json) {
        out({ dryRun: !!o.dryRun, keep: decisions.filter((d) => d.keep).map((d) => ({ ...pointJson(d.point), reasons: d.reasons })), remove: removed.map((d) => ({ ...pointJson(d.point), lockedUntil: d.lockedUntil ?? null })), prune: pruned });
        return;
      }
      const rows = [['ID', 'Time', 'Host', 'Paths', 'Decision']];
      const decision = (d: (typeof decisions)[number]): string => (d.keep ? `keep (${d.reasons.join(', ')})` : d.lockedUntil ? `remove: LOCKED until ${formatLocalTime(d.lockedUntil)}` : 'remove');
      for (const d of decisions) rows.push([d.point.id.slice(0, 8), formatLocalTime(d.point.time), d.point.host, d.point.paths.join(', '), decision(d)]);
      process.stdout.write(`${table(rows)}\n${o.dryRun ? 'would remove' : 'removed'} ${removed.length} of ${decisions.length} point(s)\n`);
      if (o.dryRun && lockedOut.length > 0) say(`${lockedOut.length} of them ${lockedOut.length > 1 ? 'are' : 'is'} under Object Lock: forget without --dry-run would refuse and remove nothing`);
      if (pruned) printPrune(pruned);
      else if (!o.dryRun && removed.length > 0) say('run `deskvault prune` (or forget --prune) to free the space they used');
    });

  vaultCommand(program, 'prune', 'delete data no recovery point needs and repack mostly-empty packs')
    .option('--dry-run', 'show what would be freed; change nothing')
    .option('--json', 'print the result as JSON')
    .action(async (o: VaultOpts & { dryRun?: boolean }) => {
      const { session } = await open(o);
      const r = await session.prune({ dryRun: o.dryRun, onNotice: (m) => say(`note: ${m}`) });
      if (o.json) return out(r);
      if (o.dryRun) process.stdout.write(`dry run: ${formatBytes(r.reclaimableBytes)} reclaimable (${r.packsDeleted} pack(s) to delete, ${r.packsRepacked} to repack, copying ${formatBytes(r.bytesRepacked)})\n`);
      else printPrune(r);
      if (r.packsLocked) process.stdout.write(`${formatBytes(r.bytesLocked)} in ${r.packsLocked} pack(s) no point needs ${o.dryRun ? 'would be' : 'were'} kept: under Object Lock until ${formatLocalTime(r.lockedUntil!)} at the latest\n`);
    });

  const key = program.command('key').description('manage the key slots that open the vault');
  vaultCommand(key, 'list', 'list key slots')
    .option('--json', 'print a JSON array')
    .action(async (o: VaultOpts) => {
      const { session } = await open(o);
      const keys = await session.keys();
      if (o.json) return out(keys.map((k) => ({ ...k, current: k.id === session.openedSlotId })));
      const rows = [['', 'ID', 'Kind', 'Created', 'KDF']];
      for (const k of keys) rows.push([k.id === session.openedSlotId ? '*' : '', k.id, k.kind, formatLocalTime(k.created), k.kdf]);
      process.stdout.write(`${table(rows)}\n`);
    });
  vaultCommand(key, 'add', 'add a key slot: a passphrase, or with --kms-key an AWS KMS key')
    .option('--new-password-file <file>', 'read the new passphrase from FILE (default: $DESKVAULT_NEW_PASSWORD, else a prompt)')
    .option('--kms-key <key>', 'add a slot held by this AWS KMS key (id, ARN or alias) instead of a passphrase')
    .option('--json', 'print the result as JSON')
    .action(async (o: VaultOpts & { newPasswordFile?: string; kmsKey?: string }) => {
      const { session } = await open(o);
      const k = o.kmsKey
        ? await session.addKmsKey(o.kmsKey)
        : await session.addKey(await readSecret({ env: 'DESKVAULT_NEW_PASSWORD', file: o.newPasswordFile, fileFlag: '--new-password-file', prompt: 'New passphrase', confirm: true }));
      if (o.json) out(k);
      else say(`added key slot ${k.id}`);
    });
  vaultCommand(key, 'remove', 'remove a key slot (never the last one)')
    .argument('<id>', 'key slot id or unique prefix')
    .action(async (id: string, o: VaultOpts) => {
      const { session } = await open(o);
      const r = await session.removeKey(id);
      say(`removed key slot ${id}`);
      if (r.lockedUntil) say(`note: Object Lock keeps the slot's locked version in the bucket (hidden behind a delete marker) until ${formatLocalTime(r.lockedUntil)}`);
    });

  program
    .command('copy')
    .description('copy recovery points to another vault, transferring only what it lacks')
    .argument('[point...]', 'points to copy (default: all)')
    .requiredOption('--from <location>', 'the source vault')
    .requiredOption('--to <location>', 'the target vault')
    .option('--password-file <file>', 'passphrase of the source (default: $DESKVAULT_PASSWORD, its KMS key, else a prompt)')
    .option('--to-password-file <file>', 'passphrase of the target (default: $DESKVAULT_TO_PASSWORD, its KMS key, else a prompt)')
    .option('--limit-upload <rate>', 'write to the target at most RATE per second, e.g. 2M')
    .option('--limit-download <rate>', 'read from the source at most RATE per second, e.g. 10M')
    .option('--json', 'print the result as JSON')
    .option('--debug', 'print stack traces of errors')
    .action(async (refs: string[], o: VaultOpts & { from: string; to: string; toPasswordFile?: string }) => {
      const { limitUpload, limitDownload } = limitsOf(o);
      const { session: from } = await openAt(o.from, { env: 'DESKVAULT_PASSWORD', file: o.passwordFile, fileFlag: '--password-file' }, { limitDownload });
      const { session: to } = await openAt(o.to, { env: 'DESKVAULT_TO_PASSWORD', file: o.toPasswordFile, fileFlag: '--to-password-file' }, { limitUpload });
      const r = await copyBetween(from, to, refs, (m) => say(`note: ${m}`));
      if (o.json) return out(r);
      process.stdout.write(`copied ${r.copied.length} point(s), ${r.skipped.length} already there; ${r.blobsCopied} chunk(s) transferred, ${formatBytes(r.bytesStored)} stored\n`);
    });

  program
    .command('doctor')
    .description('test every right the vault location needs (S3, KMS) and name any that is missing')
    .option('--vault <location>', 'vault folder or s3:// location (default: $DESKVAULT_VAULT)')
    .option('--kms-key <key>', 'also test the rights a new vault or key slot needs on this AWS KMS key (id, ARN or alias)')
    .option('--print-policy', 'print the IAM policy this vault needs (S3)')
    .option('--json', 'print the result as JSON')
    .option('--debug', 'print stack traces of errors')
    .action(async (o: VaultOpts & { printPolicy?: boolean; kmsKey?: string }) => {
      const given = locationOf(o);
      const r = await doctor(isVaultName(given) ? await registeredVaultLocation(given) : given, { kmsKey: o.kmsKey });
      if (o.json) out(r);
      else if (o.printPolicy && r.policy) out(r.policy);
      else {
        say(r.vault ? `vault ${r.vault.id} (format ${r.vault.version}) at ${r.location}${r.vault.objectLock ? `, Object Lock ${r.vault.objectLock.mode} ${r.vault.objectLock.days} day(s)` : ''}` : `no vault (yet) at ${r.location}`);
        const rows = [['Right', 'Status', 'Needed to']];
        for (const c of r.checks) rows.push([c.permission, c.ok ? 'ok' : c.message === 'missing' ? 'MISSING' : `FAILED: ${c.message}`, c.feature]);
        process.stdout.write(`${table(rows)}\n`);
        const missing = r.checks.filter((c) => !c.ok).map((c) => c.permission);
        process.stdout.write(missing.length ? `missing or failing: ${missing.join(', ')}\n` : 'every right this vault needs is granted\n');
      }
      if (!r.ok) process.exitCode = 1;
    });

  const repair = program.command('repair').description('repair vault metadata');
  vaultCommand(repair, 'index', 'rebuild the index from the packs themselves')
    .option('--json', 'print the result as JSON')
    .action(async (o: VaultOpts) => {
      const { session } = await open(o);
      const progress = createProgress(interactive(o), 'reading pack headers');
      const r = await session.repairIndex((done, total) => progress.update({ bytes: 0, files: done, totalFiles: total }));
      progress.done();
      if (o.json) return out(r);
      for (const d of r.damagedPacks) say(`damaged pack ${d.packId}: ${d.message}`);
      process.stdout.write(`index rebuilt from ${r.packs} pack(s): ${r.entries} entries; replaced ${r.replacedIndexObjects} index object(s)\n`);
      if (r.damagedPacks.length > 0) process.exitCode = 1;
    });
}

function printPrune(r: { packsDeleted: number; bytesDeleted: number; packsRepacked: number; bytesRepacked: number; packsPending: number; bytesPending: number; packsRescued: number }): void {
  const parts = [`freed ${formatBytes(r.bytesDeleted)} (${r.packsDeleted} pack(s) deleted)`];
  if (r.packsRepacked) parts.push(`repacked ${r.packsRepacked} pack(s), copying ${formatBytes(r.bytesRepacked)}`);
  if (r.packsPending) parts.push(`${formatBytes(r.bytesPending)} in ${r.packsPending} pack(s) will be freed by the next prune, after the backups running now finish`);
  if (r.packsRescued) parts.push(`kept ${r.packsRescued} pack(s) that a newer point uses`);
  process.stdout.write(`${parts.join('; ')}\n`);
}

function pointJson(p: RecoveryPoint): Record<string, unknown> {
  return { id: p.id, time: p.time, host: p.host, user: p.user, paths: p.paths, tags: p.tags, status: p.status, parent: p.parent, stats: p.stats, errors: p.errors, ...(p.lock ? { lock: p.lock } : {}) };
}
