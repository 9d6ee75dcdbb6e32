/**
 * `deskvault serve` as a child process for browser tests: a temp state folder, the file key store
 * and the fast test KDF; resolves with the printed UI address (the first stdout line). No AWS
 * credentials reach the child, so S3 failures are the deterministic "no credentials" sentence.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** What the service printed on stderr so far (for a failing test's report). */
  stderr: () => string;
  stop: () => Promise<void>;
}

export async function startServe(home: string): Promise<ServeProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, DESKVAULT_HOME: home, DESKVAULT_KEYSTORE: 'file', DESKVAULT_TEST_KDF: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('AWS_') && k !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') delete env[k];
  const child = spawn(process.execPath, [path.join(REPO, 'bin', 'deskvault.js'), 'serve'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /DeskVault UI: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`deskvault serve exited (${code}) before printing its address: ${stderr}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    // A service stuck in a job (a failing test can leave one) must not outlive the test run.
    const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(kill);
  };
  return { url, child, stderr: () => stderr, stop };
}
