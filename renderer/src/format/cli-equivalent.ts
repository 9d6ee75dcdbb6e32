/**
 * The `deskvault …` command line that does what the person is doing in the UI (KopiaUI's "CLI
 * equivalent"): a plan, a backup now, a restore, a report, a vault's key slots. Arguments are quoted
 * for a POSIX shell when they need it. The flags are those of main/cli (plan create, run, restore,
 * report jobs, restore-test run, key list|add|remove).
 */
import type { ApiInput } from '../../../main/core/api.js';

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function line(args: (string | false | null | undefined)[]): string {
  return ['deskvault', ...args.filter((a): a is string => typeof a === 'string')].join(' ');
}

/** `deskvault plan create …` for a plan's first rule (the CLI creates one rule per plan). */
export function planCreateCommand(plan: ApiInput<'plans.create'>): string {
  const rule = plan.rules[0];
  const res = plan.resources;
  const args: (string | false | undefined)[] = ['plan', 'create', '--name', shellQuote(plan.name), '--vault', shellQuote(rule?.targetVault ?? 'local')];
  for (const r of res) args.push('--folder', shellQuote(r.path));
  // The CLI applies one set of excludes to every folder: take the first folder's.
  const first = res[0];
  for (const e of first?.excludes ?? []) args.push('--exclude', shellQuote(e));
  for (const p of first?.excludePresets ?? []) args.push('--exclude-preset', p);
  if (first?.maxFileSize) args.push('--max-file-size', String(first.maxFileSize));
  if (rule) {
    if (rule.schedule === 'continuous') {
      args.push('--continuous');
      if (rule.quietPeriodSeconds !== undefined && rule.quietPeriodSeconds !== 10) args.push('--quiet-seconds', String(rule.quietPeriodSeconds));
    } else {
      args.push('--schedule', shellQuote(rule.schedule));
      if (rule.timeZone) args.push('--tz', shellQuote(rule.timeZone));
    }
    if (rule.startWindowMinutes !== undefined && rule.startWindowMinutes !== 60) args.push('--start-window', String(rule.startWindowMinutes));
    const r = rule.retention ?? {};
    const keep: [keyof typeof r, string][] = [['keepLast', 'last'], ['keepHourly', 'hourly'], ['keepDaily', 'daily'], ['keepWeekly', 'weekly'], ['keepMonthly', 'monthly'], ['keepYearly', 'yearly']];
    for (const [k, flag] of keep) if (r[k] !== undefined) args.push(`--keep-${flag}`, String(r[k]));
    if (rule.lifecycle?.deleteAfterDays !== undefined) args.push('--delete-after-days', String(rule.lifecycle.deleteAfterDays));
    for (const c of rule.copyActions ?? []) args.push('--copy-to', shellQuote(c.targetVault));
    for (const t of rule.tags ?? []) args.push('--tag', shellQuote(t));
  }
  return line(args);
}

export function backupCommand(planName: string, ruleName?: string): string {
  return line(['run', shellQuote(planName), ruleName && ruleName !== 'default' ? `--rule ${shellQuote(ruleName)}` : null, '--wait']);
}

export function restoreCommand(input: ApiInput<'restores.start'>): string {
  const where = input.mode === 'in-place' ? '--in-place' : `--into ${shellQuote(input.target ?? '')}`;
  return line([
    'restore',
    '--vault',
    shellQuote(input.vault),
    shellQuote(input.point),
    ...(input.paths ?? []).map(shellQuote),
    where,
    `--conflict ${input.conflict ?? 'keep-both'}`,
    input.dryRun ? '--dry-run' : null,
  ]);
}

export function reportCommand(input: ApiInput<'reports.jobs'>): string {
  return line(['report', 'jobs', input.from && `--from ${input.from}`, input.to && `--to ${input.to}`, `--format ${input.format ?? 'csv'}`, '>', `jobs.${input.format ?? 'csv'}`]);
}

export function restoreTestCommand(input: ApiInput<'restoreTests.run'>): string {
  return line(['restore-test', 'run', '--vault', shellQuote(input.vault), input.pick === 'random' && '--random', input.sampleFiles !== undefined && input.sampleFiles !== 20 && `--files ${input.sampleFiles}`]);
}

/** `deskvault key list` of a registered vault. */
export function keyListCommand(vault: string): string {
  return line(['key', 'list', '--vault', shellQuote(vault)]);
}

/**
 * `deskvault key add`: a KMS slot with `kmsKey`, else a passphrase slot. The passphrase is never
 * put on the command line: the command asks for it twice (or reads DESKVAULT_NEW_PASSWORD).
 */
export function keyAddCommand(vault: string, kmsKey?: string): string {
  return line(['key', 'add', '--vault', shellQuote(vault), kmsKey ? `--kms-key ${shellQuote(kmsKey)}` : null]);
}

export function keyRemoveCommand(vault: string, slotId: string): string {
  return line(['key', 'remove', '--vault', shellQuote(vault), shellQuote(slotId)]);
}
