/**
 * Preloaded (`node --import`) into a CLI child by test/helpers/cli.ts. Test-only: the engine is
 * not changed; the hooks wrap functions the engine calls.
 *
 * DV_TEST_PAUSE stops the child (SIGSTOP, once) at a well-defined instant, so that a test can run
 * another command while this one is in the middle of its work and then resume it (SIGCONT) —
 * deterministically, with no timing guesses:
 *   after:DIR    right after an object was renamed into place below the vault folder DIR/
 *                (DIR = leases, prune, index, points, data, meta). `after:leases` on a backup: the
 *                lease exists, the index is not read yet.
 *   before:DIR   right before such a rename (the object is complete in its `.tmp-*` file but not
 *                visible yet; anything computed before the write, e.g. a lease's `created`, is fixed)
 *   open:PATH    when the process first opens (openSync) a file below PATH. On a backup of PATH:
 *                lease taken, index loaded, orphan packs re-indexed, walk started.
 *
 * DV_TEST_CLOCK_OFFSET_MS shifts Date.now() by that many milliseconds (e.g. "this prune runs
 * 21 minutes later"), which is the clock leases are written and judged by.
 *
 * DV_TEST_HOSTNAME makes os.hostname() answer that name, so a process looks like one on another
 * machine (whose leases can only expire by time, since its pid cannot be checked from here).
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const fakeHost = process.env.DV_TEST_HOSTNAME;
if (fakeHost) {
  const os = createRequire(import.meta.url)('node:os');
  os.hostname = () => fakeHost;
  syncBuiltinESMExports();
}

const offset = Number(process.env.DV_TEST_CLOCK_OFFSET_MS ?? 0);
if (offset) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offset;
}

const spec = process.env.DV_TEST_PAUSE;
if (spec) {
  const require = createRequire(import.meta.url);
  const fs = require('node:fs');
  const fsp = require('node:fs/promises');
  let paused = false;
  const stop = () => {
    if (paused) return;
    paused = true;
    process.kill(process.pid, 'SIGSTOP');
  };
  const m = /^(after|before|open):(.+)$/.exec(spec);
  if (!m) throw new Error(`DV_TEST_PAUSE: unknown instant "${spec}"`);
  const [, when, arg] = m;
  if (when === 'open') {
    const prefix = arg.endsWith('/') ? arg : `${arg}/`;
    const openSync = fs.openSync;
    fs.openSync = function (p, ...rest) {
      if (typeof p === 'string' && (p === arg || p.startsWith(prefix))) stop();
      return openSync.call(this, p, ...rest);
    };
  } else {
    // Object keys below DIR: DIR/<id> or DIR/<aa>/<id> (packs).
    const target = new RegExp(`[\\\\/]${arg}(?:[\\\\/][0-9a-f]{2})?[\\\\/][0-9a-f]+$`);
    const rename = fsp.rename;
    fsp.rename = async function (from, to, ...rest) {
      const hit = !paused && target.test(String(to));
      if (hit && when === 'before') stop();
      const r = await rename.call(this, from, to, ...rest);
      if (hit && when === 'after') stop();
      return r;
    };
  }
  syncBuiltinESMExports();
}
