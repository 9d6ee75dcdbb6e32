import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Real files and subprocesses: give slow CI disks room, but tests make no timing assertions.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { DESKVAULT_TEST_KDF: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
