/**
 * The service commands of docs/cli.md: vault add/list/remove/recovery-kit, plan, run, jobs, pause,
 * resume, status, hold, audit, daemon and serve. Each calls the typed API (service-client.ts) and
 * prints the result: JSON alone on stdout with --json, sentences otherwise.
 */
import { Command, Option } from 'commander';
import type { ApiInput, DeskVaultApi } from '../core/api.js';
import { DeskVaultError } from '../core/errors.js';
import { FINAL_JOB_STATES, type Job } from '../core/model.js';
import { formatBytes, formatLocalTime, table } from './format.js';
import { connectService } from './service-client.js';
import { readSecret } from './secrets.js';

const collect = (v: string, acc: string[]): string[] => [...acc, v];
const tableOf = (head: string[], rows: string[][]): string => `${table([head, ...rows])}\n`;
const out = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
const say = (line: string): void => void process.stderr.write(`${line}\n`);

function whole(v: string): number {
  if (!/^\d+$/.test(v)) throw new DeskVaultError('USAGE', `"${v}" is not a whole number`, { value: v });
  return Number(v);
}

async function withApi<T>(fn: (api: DeskVaultApi) => Promise<T>): Promise<T> {
  const h = await connectService();
  try {
    return await fn(h.api);
  } finally {
    await h.close();
  }
}

export function describeJob(j: Job): string {
  const c = j.counters;
  const what = `${j.kind.toLowerCase()}${j.planName ? ` of plan "${j.planName}"` : ''} → ${j.vaultName}`;
  const counts = j.kind === 'CATALOG' ? `, ${c.filesDone} recovery points` : c.filesDone || c.bytesDone ? `, ${c.filesDone} files, ${formatBytes(c.bytesDone)}` : '';
  return `job ${j.id} ${j.state}${j.statusMessage ? ` (${j.statusMessage})` : ''}: ${what}${counts}${j.recoveryPointId ? `, recovery point ${j.recoveryPointId.slice(0, 8)}` : ''}`;
}

/** Polls until the job is final (the same for a remote and an in-process service); `onPoll` sees each state. */
async function waitForJob(api: DeskVaultApi, id: string, onPoll?: (j: Job) => void): Promise<Job> {
  for (;;) {
    const j = await api['jobs.get']({ id });
    if (FINAL_JOB_STATES.includes(j.state)) return j;
    onPoll?.(j);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Exit status of a finished job (docs/outcomes.md): 0, 3 for "completed with issues", 1 otherwise. */
export function exitCodeOfJob(j: Job): number {
  if (j.state === 'COMPLETED') return j.statusMessage?.startsWith('completed with issues') ? 3 : 0;
  if (j.state === 'ABORTED') return 130;
  return 1;
}

export function registerServiceCommands(program: Command): void {
  const vault = program.command('vault').description('register, create and list vaults');
  vault
    .command('add')
    .description('create a vault (or connect the one already at LOCATION) and register it by name')
    .requiredOption('--name <name>', 'name to use with --vault (letters, digits, - and _)')
    .requiredOption('--location <location>', 'a folder, file:// URL or s3://bucket/prefix')
    .option('--kms-key <key>', 'hold the vault key in AWS KMS')
    .option('--passphrase', 'protect it with a passphrase of your own (from $DESKVAULT_PASSWORD or a prompt) instead of an app-managed key')
    .addOption(new Option('--lock-mode <mode>', 'S3 Object Lock for a new vault: keep every recovery point undeletable (with --lock-days)').choices(['governance', 'compliance']))
    .option('--lock-days <n>', 'with --lock-mode: days each recovery point stays locked', (v: string) => Number.parseInt(v, 10))
    .option('--json', 'print the result as JSON')
    .action(async (o: { name: string; location: string; kmsKey?: string; passphrase?: boolean; lockMode?: 'governance' | 'compliance'; lockDays?: number; json?: boolean }) => {
      if ((o.lockMode === undefined) !== (o.lockDays === undefined)) throw new DeskVaultError('USAGE', '--lock-mode and --lock-days go together: e.g. --lock-mode governance --lock-days 30', {});
      const lock = o.lockMode ? { mode: o.lockMode, days: o.lockDays! } : undefined;
      const keyProvider = o.kmsKey ? 'kms' : o.passphrase ? 'passphrase' : 'app';
      // Connecting an existing vault takes its passphrase or recovery code from the environment.
      const passphrase = o.passphrase
        ? await readSecret({ env: 'DESKVAULT_PASSWORD', fileFlag: '--password-file', prompt: 'Passphrase', confirm: true })
        : process.env.DESKVAULT_PASSWORD || undefined;
      // A relative folder means relative to where the command runs, not to the service's folder.
      const location = /^[a-z][a-z0-9+.-]*:\/\//i.test(o.location) ? o.location : (await import('node:path')).resolve(o.location);
      // Printed before the connection closes: an in-process service then waits for the catalog
      // job that connecting an existing vault starts, and the person should know why.
      await withApi(async (api) => {
        const r = await api['vaults.add']({ name: o.name, location, keyProvider, passphrase, kmsKey: o.kmsKey, lock });
        if (o.json) return out(r);
        say(`${r.created ? 'created' : 'connected'} vault "${r.vault.name}" (${r.vault.id.slice(0, 8)}) at ${r.vault.location}`);
        if (r.catalogJobId) say(`its catalog (browse and search) is being rebuilt from the vault: job ${r.catalogJobId} (deskvault jobs show ${r.catalogJobId})`);
        for (const w of r.warnings) say(`warning: ${w}`);
        if (r.recoveryCode) {
          say('\nRecovery code (shown once — print it or write it down, and keep it away from this computer):\n');
          process.stdout.write(`  ${r.recoveryCode}\n\n`);
          say(`With it, DESKVAULT_PASSWORD=<code> deskvault points --vault ${r.vault.location} opens this vault on any machine.`);
        }
      });
    });
  vault
    .command('list')
    .description('registered vaults')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const vaults = await withApi((api) => api['vaults.list']({}));
      if (o.json) return out(vaults);
      if (vaults.length === 0) return say('no vaults registered');
      process.stdout.write(tableOf(['NAME', 'ID', 'KEY', 'LOCATION'], vaults.map((v) => [v.name, v.id.slice(0, 8), v.keyProvider, v.location])));
    });
  vault
    .command('remove <name>')
    .description('forget a registered vault (the vault and its data stay where they are)')
    .action(async (name: string) => {
      await withApi((api) => api['vaults.remove']({ name }));
      say(`vault "${name}" is no longer registered; its data is untouched`);
    });
  vault
    .command('recovery-kit <name>')
    .description('show the recovery code of an app-managed vault that has not been shown yet')
    .option('--json', 'print JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const r = await withApi((api) => api['vaults.recoveryKit']({ name }));
      if (o.json) return out(r);
      if (r.recoveryCode) process.stdout.write(`${r.recoveryCode}\n`);
      say(r.instructions);
    });

  const catalog = program.command('catalog').description('the local catalog of a vault\'s recovery points, for browsing and search (a cache of the vault)');
  catalog
    .command('rebuild')
    .description('forget the catalog of a vault and read it again from the vault\'s metadata (no file data is read), as a job')
    .requiredOption('--vault <name>', 'registered vault')
    .option('--wait', 'wait for the job to finish (progress on a terminal) and print it')
    .option('--json', 'print JSON')
    .action(async (o: { vault: string; wait?: boolean; json?: boolean }) => {
      const tty = !o.json && process.stderr.isTTY === true;
      const job = await withApi(async (api) => {
        const j = await api['catalog.rebuild']({ vault: o.vault });
        if (!o.wait) return j;
        const done = await waitForJob(api, j.id, (p) => {
          if (tty && p.counters.filesTotal !== null) process.stderr.write(`\rcatalog of ${o.vault}: ${p.counters.filesDone}/${p.counters.filesTotal} recovery points${p.counters.currentFile ? `, ${p.counters.currentFile}` : ''}\u001b[K`);
        });
        if (tty) process.stderr.write('\r\u001b[K');
        return done;
      });
      if (o.json) out(job);
      else say(describeJob(job));
      if (o.wait) process.exitCode = exitCodeOfJob(job);
    });

  const plan = program.command('plan').description('backup plans: what to protect, where, how often, how long');
  plan
    .command('create')
    .description('create a backup plan')
    .requiredOption('--name <name>', 'plan name')
    .requiredOption('--vault <name>', 'registered vault the backups go to')
    .option('--folder <path>', 'folder to protect (repeatable)', collect, [])
    .option('--exclude <glob>', 'exclude pattern (repeatable; docs/patterns.md)', collect, [])
    .option('--exclude-preset <name>', 'caches, node_modules, temp or browser-caches (repeatable)', collect, [])
    .option('--max-file-size <bytes>', 'skip files larger than this many bytes')
    .option('--schedule <expr>', 'cron expression, cron(...), or rate(N minutes|hours|days)')
    .option('--tz <zone>', 'time zone of the cron schedule (default: this computer\'s)')
    .option('--continuous', 'back up changed files continuously (after --quiet-seconds without changes)')
    .option('--quiet-seconds <n>', 'continuous mode: seconds without changes before a backup', '10')
    .option('--start-window <minutes>', 'a scheduled backup not started within this becomes EXPIRED', '60')
    .option('--completion-window <minutes>', 'a backup still running this long after it started stops and keeps what it finished as a PARTIAL point (default 7 days)')
    .option('--keep-last <n>').option('--keep-hourly <n>').option('--keep-daily <n>').option('--keep-weekly <n>').option('--keep-monthly <n>').option('--keep-yearly <n>')
    .option('--delete-after-days <n>', 'recovery points are deleted after this many days (unless kept by retention or a legal hold)')
    .option('--cold-after-days <n>', 'S3 vaults: data packs move to the cold storage class once every point using them is this many days old')
    .option('--copy-to <vault>', 'copy each new recovery point to this registered vault (repeatable)', collect, [])
    .option('--tag <tag>', 'tag for the recovery points (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (o: Record<string, string | string[] | boolean | undefined> & { folder: string[]; exclude: string[]; excludePreset: string[]; copyTo: string[]; tag: string[] }) => {
      if (o.folder.length === 0) throw new DeskVaultError('USAGE', 'name at least one --folder to protect', {});
      if (!o.schedule === !o.continuous) throw new DeskVaultError('USAGE', 'give either --schedule EXPR or --continuous', {});
      const n = (k: string): number | undefined => (typeof o[k] === 'string' ? whole(o[k] as string) : undefined);
      const path = await import('node:path');
      const input: ApiInput<'plans.create'> = {
        name: String(o.name),
        resources: o.folder.map((f) => ({
          path: path.resolve(f),
          excludes: o.exclude,
          excludePresets: o.excludePreset as never,
          ...(n('maxFileSize') !== undefined ? { maxFileSize: n('maxFileSize') } : {}),
        })),
        rules: [
          {
            name: 'default',
            targetVault: String(o.vault),
            schedule: o.continuous ? 'continuous' : String(o.schedule),
            ...(typeof o.tz === 'string' ? { timeZone: o.tz } : {}),
            startWindowMinutes: n('startWindow'),
            ...(n('completionWindow') !== undefined ? { completionWindowMinutes: n('completionWindow') } : {}),
            quietPeriodSeconds: n('quietSeconds'),
            lifecycle: {
              ...(n('deleteAfterDays') !== undefined ? { deleteAfterDays: n('deleteAfterDays') } : {}),
              ...(n('coldAfterDays') !== undefined ? { moveToColdStorageAfterDays: n('coldAfterDays') } : {}),
            },
            retention: Object.fromEntries(['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'].filter((k) => n(k) !== undefined).map((k) => [k, n(k)])),
            copyActions: o.copyTo.map((v) => ({ targetVault: v })),
            tags: o.tag,
          },
        ],
      };
      const created = await withApi((api) => api['plans.create'](input));
      if (o.json) return out(created);
      say(`created plan "${created.name}": ${created.resources.map((r) => r.path).join(', ')} → vault ${created.rules[0].targetVault}, ${created.rules[0].schedule}`);
    });
  plan
    .command('list')
    .description('backup plans')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const plans = await withApi((api) => api['plans.list']({}));
      if (o.json) return out(plans);
      if (plans.length === 0) return say('no plans yet: deskvault plan create --name NAME --vault local --folder PATH --continuous');
      process.stdout.write(tableOf(['NAME', 'FOLDERS', 'VAULT', 'SCHEDULE'], plans.map((p) => [p.name, p.resources.map((r) => r.path).join(' '), p.rules.map((r) => r.targetVault).join(' '), p.rules.map((r) => r.schedule).join(' | ')])));
    });
  plan
    .command('show <name>')
    .description('one plan, with its next run times')
    .action(async (name: string) => {
      await withApi(async (api) => {
        const p = await api['plans.get']({ name });
        const next = await Promise.all(p.rules.map((r) => api['plans.nextRuns']({ schedule: r.schedule, timeZone: r.timeZone, count: 5 })));
        out({ ...p, nextRuns: Object.fromEntries(p.rules.map((r, i) => [r.name, next[i]])) });
      });
    });
  plan
    .command('delete <name>')
    .description('delete a plan (its recovery points stay in the vault)')
    .action(async (name: string) => {
      await withApi((api) => api['plans.delete']({ name }));
      say(`deleted plan "${name}"; its recovery points stay in the vault`);
    });

  program
    .command('run <plan>')
    .description('back up a plan now')
    .option('--rule <name>', 'which rule of the plan (default: its first)')
    .option('--wait', 'wait for the job to finish and print it (with its recovery point id)')
    .option('--json', 'print JSON')
    .action(async (planName: string, o: { rule?: string; wait?: boolean; json?: boolean }) => {
      const job = await withApi(async (api) => {
        const j = await api['backups.start']({ plan: planName, rule: o.rule });
        return o.wait ? waitForJob(api, j.id) : j;
      });
      if (o.json) out(job);
      else say(describeJob(job));
      if (o.wait) process.exitCode = exitCodeOfJob(job);
    });

  const jobs = program.command('jobs').description('recent jobs with their state and counters').option('--limit <n>', 'how many', '20').option('--json', 'print JSON');
  jobs.action(async (o: { limit: string; json?: boolean }) => {
    const list = await withApi((api) => api['jobs.list']({ limit: whole(o.limit) }));
    if (o.json) return out(list);
    if (list.length === 0) return say('no jobs yet');
    process.stdout.write(
      tableOf(
        ['ID', 'KIND', 'STATE', 'PLAN', 'VAULT', 'STARTED', 'FILES', 'BYTES', 'MESSAGE'],
        list.map((j) => [j.id, j.kind, j.state, j.planName ?? '', j.vaultName, j.startedAt ? formatLocalTime(j.startedAt) : '', String(j.counters.filesDone), formatBytes(j.counters.bytesDone), j.statusMessage ?? j.error?.message ?? '']),
      ),
    );
  });
  jobs
    .command('show <id>')
    .description('one job with its log and skipped files')
    .action(async (id: string) => out(await withApi((api) => api['jobs.get']({ id }))));
  jobs
    .command('cancel <id>')
    .description('cancel a job')
    .action(async (id: string) => say(describeJob(await withApi((api) => api['jobs.cancel']({ id })))));

  program
    .command('pause')
    .description('pause scheduled and continuous backups (until resumed, or for N minutes)')
    .option('--minutes <n>', 'resume by itself after N minutes')
    .action(async (o: { minutes?: string }) => {
      const s = await withApi((api) => api['jobs.pause']({ minutes: o.minutes ? whole(o.minutes) : undefined }));
      say(s.pausedUntil ? `paused until ${formatLocalTime(s.pausedUntil)}` : 'paused until `deskvault resume`');
    });
  program
    .command('resume')
    .description('resume scheduled and continuous backups')
    .action(async () => {
      await withApi((api) => api['jobs.resume']({}));
      say('resumed');
    });
  program
    .command('status')
    .description('protection state of every protected folder')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const s = await withApi((api) => api['status.get']({}));
      if (o.json) return out(s);
      say(`DeskVault: ${s.state}${s.lastBackupAt ? `, last backup ${formatLocalTime(s.lastBackupAt)}` : ''}`);
      if (s.folders.length > 0) process.stdout.write(tableOf(['FOLDER', 'PLAN', 'STATE', 'LAST GOOD POINT', 'NEXT RUN', 'NOTE'], s.folders.map((f) => [f.path, f.planName, f.state, f.lastGoodPointAt ? formatLocalTime(f.lastGoodPointAt) : '—', f.continuous ? 'on change' : f.nextRunAt ? formatLocalTime(f.nextRunAt) : '—', f.message ?? ''])));
      for (const w of s.warnings) say(`warning: ${w}`);
    });

  const hold = program.command('hold').description('legal holds: recovery points retention and prune never delete');
  hold
    .command('create')
    .requiredOption('--title <title>', 'what the hold is for')
    .option('--plan <name>', 'only points of this plan (repeatable)', collect, [])
    .option('--vault <name>', 'only points in this vault (repeatable)', collect, [])
    .option('--from <iso-date>', 'only points made at or after this time')
    .option('--to <iso-date>', 'only points made at or before this time')
    .action(async (o: { title: string; plan: string[]; vault: string[]; from?: string; to?: string }) => {
      const iso = (d?: string): string | undefined => (d ? new Date(d).toISOString() : undefined);
      const h = await withApi((api) => api['holds.create']({ title: o.title, planNames: o.plan.length ? o.plan : undefined, vaultNames: o.vault.length ? o.vault : undefined, from: iso(o.from), to: iso(o.to) }));
      out(h);
    });
  hold.command('list').action(async () => out(await withApi((api) => api['holds.list']({}))));
  hold.command('release <id>').action(async (id: string) => out(await withApi((api) => api['holds.release']({ id }))));

  const audit = program.command('audit').description('the audit trail of every state-changing call');
  audit
    .command('verify')
    .description('check the hash chain: any edited, removed or reordered record is found')
    .option('--vault <name>', 'check the copy mirrored into this vault against the local trail')
    .option('--json', 'print JSON')
    .action(async (o: { vault?: string; json?: boolean }) => {
      const r = await withApi((api) => api['audit.verify']({ vault: o.vault }));
      if (o.json) out(r);
      else say(r.ok ? `audit trail intact: ${r.records} records` : `audit trail BROKEN after ${r.records} good records: ${r.problem}`);
      if (!r.ok) process.exitCode = 1;
    });
  audit
    .command('list')
    .option('--limit <n>', 'how many', '50')
    .action(async (o: { limit: string }) => out(await withApi((api) => api['audit.list']({ limit: whole(o.limit) }))));

  program
    .command('lifecycle')
    .description('delete the recovery points past their plan\'s deleteAfterDays that nothing keeps (GFS, legal hold, Object Lock), prune, then move data packs no point needs warm to the cold storage class')
    .requiredOption('--vault <name>', 'registered vault')
    .option('--dry-run', 'only say what would be deleted or moved, and why')
    .option('--json', 'print JSON')
    .action(async (o: { vault: string; dryRun?: boolean; json?: boolean }) => {
      const job = await withApi(async (api) => waitForJob(api, (await api['lifecycle.run']({ vault: o.vault, dryRun: !!o.dryRun })).id));
      if (o.json) return out(job);
      for (const l of job.log) say(l.replace(/^\S+ /, ''));
      say(describeJob(job));
      process.exitCode = exitCodeOfJob(job);
    });

  const rt = program.command('restore-test').description('prove a vault can give data back: restore a sample into a temporary folder and verify it');
  rt.command('run')
    .requiredOption('--vault <name>', 'registered vault')
    .option('--random', 'test a random recovery point (default: the latest)')
    .option('--files <n>', 'how many files to restore', '20')
    .option('--json', 'print JSON')
    .action(async (o: { vault: string; random?: boolean; files: string; json?: boolean }) => {
      const job = await withApi(async (api) => waitForJob(api, (await api['restoreTests.run']({ vault: o.vault, pick: o.random ? 'random' : 'latest', sampleFiles: whole(o.files) })).id));
      if (o.json) out(job);
      else say(job.statusMessage ?? describeJob(job));
      process.exitCode = job.state === 'COMPLETED' ? 0 : 1;
    });
  rt.command('list').description('results of restore tests').action(async () => out(await withApi((api) => api['restoreTests.list']({}))));

  const report = program.command('report').description('job reports and the compliance summary');
  report
    .command('jobs')
    .option('--from <iso-date>', 'jobs created at or after this time')
    .option('--to <iso-date>', 'jobs created at or before this time')
    .option('--kind <kind>', 'BACKUP, RESTORE, COPY, CHECK, PRUNE, RESTORE_TEST or CATALOG (repeatable)', collect, [])
    .option('--format <format>', 'csv or json', 'csv')
    .action(async (o: { from?: string; to?: string; kind: string[]; format: string }) => {
      const iso = (d?: string): string | undefined => (d ? new Date(d).toISOString() : undefined);
      const r = await withApi((api) => api['reports.jobs']({ from: iso(o.from), to: iso(o.to), kinds: o.kind.length ? (o.kind as never) : undefined, format: o.format as 'csv' | 'json' }));
      process.stdout.write(r.content.endsWith('\n') ? r.content : `${r.content}\n`);
    });
  report
    .command('compliance')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await withApi((api) => api['reports.compliance']({}));
      if (o.json) out(r);
      else for (const p of r.plans) for (const c of p.checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'}  ${p.plan}: ${c.name} — ${c.detail}\n`);
      if (!r.ok) process.exitCode = 1;
    });

  program
    .command('daemon')
    .description('run the service (scheduler, watchers, jobs) without the UI, until stopped')
    .action(async () => {
      const { runDaemon } = await import('../daemon/run-daemon.js');
      await runDaemon({ serve: false });
    });
  program
    .command('serve')
    .description('run the service and serve the UI and API on 127.0.0.1')
    .addOption(new Option('--port <n>', 'port (default: any free one)'))
    .option('--open', 'open the UI in the default browser')
    .action(async (o: { port?: string; open?: boolean }) => {
      const { runDaemon } = await import('../daemon/run-daemon.js');
      await runDaemon({ serve: true, port: o.port ? whole(o.port) : 0, open: !!o.open });
    });
}
