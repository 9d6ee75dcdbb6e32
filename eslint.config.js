// Lint = the layering rule of ../shared/STYLE.md ("Dependency rules"), enforced in CI, plus
// typescript-eslint's recommended checks. A violation fails `npm test`.
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/work/**', 'test-artifacts/**', 'renderer/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: restrict(['node:*', 'electron', '**/engine/**', '**/service/**', '**/cli/**', '**/server/**', '**/electron/**', '**/test/**'], 'main/core imports nothing but the schema library'),
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: restrict(['electron', '**/service/**', '**/cli/**', '**/server/**', '**/electron/**', '**/test/**'], 'main/engine imports only core, node:* and libraries'),
  },
  {
    files: ['main/service/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', '**/cli/**', '**/server/**', '**/electron/**', '**/test/**'], message: 'main/service imports only core and engine' },
            { group: ['**/engine/**', '!**/engine/index.js'], message: 'main/service reaches the engine only through its public entry, main/engine/index.ts' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/cli/**/*.ts'],
    rules: restrict(['electron', '**/engine/**', '**/server/**', '**/electron/**', '**/test/**'], 'the CLI is an edge: it imports service, core and the headless host (main/daemon) only'),
  },
  {
    // The headless host composes the service with the server edge (deskvault serve / daemon).
    files: ['main/daemon/**/*.ts'],
    rules: restrict(['electron', '**/engine/**', '**/cli/**', '**/electron/**', '**/test/**'], 'the headless host imports service, server and core only'),
  },
  {
    // The renderer reaches the service only through its client (renderer/src/api) and may take
    // types, never code, from main/core (STYLE rule 6).
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'node:*', '**/engine/**', '**/service/**', '**/cli/**', '**/server/**', '**/electron/**', '**/daemon/**', '**/test/**'], message: 'the renderer imports only its own code, libraries, and types from main/core' },
            { group: ['**/main/core/**'], allowTypeImports: true, message: 'the renderer takes only types from main/core' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: restrict(['node:*', '**/engine/**', '**/service/**', '**/cli/**', '**/server/**', '**/daemon/**', '**/test/**'], 'the preload imports electron and the API method table from main/core only'),
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: restrict(['**/engine/**', '**/cli/**', '**/server/**', '**/test/**'], 'the Electron edge imports service, core, the headless host and electron only'),
  },
  {
    files: ['main/server/**/*.ts'],
    rules: restrict(['electron', '**/engine/**', '**/cli/**', '**/electron/**', '**/test/**'], 'the server is an edge: it imports service and core only'),
  },
);
