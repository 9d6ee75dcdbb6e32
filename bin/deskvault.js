#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
import('../dist/main/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main/cli')) {
    process.stderr.write('deskvault: not built yet; run `npm ci` (or `npm run build`) in the project folder\n');
    process.exit(2);
  }
  throw err;
});
