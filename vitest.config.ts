import { defineConfig } from 'vitest/config';

// The SDK warns once per process that its releases after January 2027 need Node 22; the CLI
// quiets it (src/config/environment.ts), and so do the tests, whose worker processes would each
// print it.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          env,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          env,
          // One emulator for the whole run; suites reset it, so they take turns.
          globalSetup: ['test/support/emulator-global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
