/**
 * Where the CLI gets passphrases: an environment variable, a file, or a hidden prompt on a TTY —
 * never a command-line argument (it would show in `ps` and shell history). Without any of them,
 * a usage error that says how to provide one.
 */
import { readFileSync } from 'node:fs';
import * as readline from 'node:readline';
import { DeskVaultError } from '../core/errors.js';

export interface SecretSource {
  env: string;
  file?: string;
  /** Flag name for the message, e.g. --password-file. */
  fileFlag: string;
  prompt: string;
  /** Ask twice (new passphrases). */
  confirm?: boolean;
}

export async function readSecret(src: SecretSource, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (src.file) {
    let text: string;
    try {
      text = readFileSync(src.file, 'utf8');
    } catch (err) {
      throw new DeskVaultError('USAGE', `cannot read ${src.fileFlag} ${src.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: src.file });
    }
    const line = text.split(/\r?\n/)[0];
    if (!line) throw new DeskVaultError('USAGE', `${src.fileFlag} ${src.file} is empty`, { file: src.file });
    return line;
  }
  const fromEnv = env[src.env];
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const first = await promptHidden(`${src.prompt}: `);
    if (!first) throw new DeskVaultError('USAGE', 'an empty passphrase is not allowed', {});
    if (src.confirm) {
      const again = await promptHidden(`${src.prompt} (again): `);
      if (again !== first) throw new DeskVaultError('USAGE', 'the two passphrases differ; nothing was changed', {});
    }
    return first;
  }
  throw new DeskVaultError('PASSWORD_REQUIRED', `no passphrase given: set ${src.env}, pass ${src.fileFlag} FILE, or run in a terminal to be asked`, { env: src.env });
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WritableStream };
    let asked = false;
    out._writeToOutput = (s: string) => {
      if (!asked) {
        process.stderr.write(s);
        asked = true;
      }
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
