#!/usr/bin/env node
// `npm start`: the desktop app when an Electron binary is here, else the same UI on loopback.
// Electron is looked for without loading the `electron` package (which would try to download it;
// these machines cannot), and a missing binary is one line, not an error: `deskvault serve` then
// serves the UI with the default local vault and prints its URL.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from '../scripts/electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electron = findElectronBinary(root);
const [cmd, args] = electron.found
  ? [electron.path, [root, ...process.argv.slice(2)]]
  : [process.execPath, [path.join(root, 'bin', 'deskvault.js'), 'serve', ...process.argv.slice(2)]];
if (!electron.found) process.stderr.write(`Electron is not available on this machine (${electron.reason}); serving the DeskVault UI on loopback instead\n`);

const child = spawn(cmd, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
