#!/usr/bin/env -S node --max-semi-space-size=2
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
// --max-semi-space-size=2 (MiB): V8's young generation otherwise grows to 16 MiB semi-spaces; the
// backup allocates many short-lived objects, and the smaller nursery cuts peak RSS by ~30-40 MiB
// with no measurable slowdown (README, Benchmark).
import('../dist/main/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main/cli')) {
    process.stderr.write('deskvault: not built yet; run `npm ci` (or `npm run build`) in the project folder\n');
    process.exit(2);
  }
  throw err;
});
