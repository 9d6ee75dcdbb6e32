/**
 * The `deskvault` command line: a thin edge over the service. It parses arguments (commander),
 * gets secrets (secrets.ts), calls the service, and renders results — JSON alone on stdout with
 * --json, messages on stderr. docs/cli.md is the contract; exit codes come from core/errors.ts:
 * 0 ok, 1 failure, 2 usage/configuration, 3 point created but some files could not be read.
 */
import { Command, CommanderError, Option } from 'commander';
import { DeskVaultError, exitCodeFor } from '../core/errors.js';
import { registerServiceCommands } from './service-commands.js';
import { registerVaultCommands } from './vault-commands.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('deskvault')
    .description('DeskVault: deduplicating, compressed, encrypted backups of your files')
    .version('0.1.0')
    .addOption(new Option('--debug', 'print stack traces of errors'))
    .addOption(new Option('--home <dir>', 'the state folder (plans, settings, caches); default $DESKVAULT_HOME or the app\'s folder'))
    .showHelpAfterError('(run `deskvault help COMMAND` for its options)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerVaultCommands(program);
  registerServiceCommands(program);
  program.hook('preAction', (cmd) => {
    const home = cmd.optsWithGlobals().home as string | undefined;
    if (home) process.env.DESKVAULT_HOME = home;
  });
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = report(err, debug);
  }
}

function report(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
    return 2; // commander already printed the message
  }
  if (err instanceof DeskVaultError) {
    process.stderr.write(`deskvault: ${err.message}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return exitCodeFor(err);
  }
  const e = err as Error;
  process.stderr.write(`deskvault: unexpected error: ${e?.message ?? String(err)}\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('(run again with --debug for details)\n');
  return 1;
}
