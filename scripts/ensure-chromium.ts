/**
 * Runs before `npm test`: the HTML report's browser test drives Debian's Chromium through
 * playwright-core (which bundles no browser), so install it when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
if (!candidates.some((path) => path && existsSync(path))) {
  const asRoot = process.getuid?.() === 0;
  const run = (args: string[]) =>
    execFileSync(asRoot ? args[0]! : 'sudo', asRoot ? args.slice(1) : args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    process.stderr.write(
      "[test setup] installing Debian's chromium for the HTML report test (first run only)\n",
    );
    run(['apt-get', 'update', '-qq']);
    run(['apt-get', 'install', '-y', '-qq', 'chromium']);
  } catch (error) {
    process.stderr.write(
      `[test setup] could not install chromium (${(error as Error).message.split('\n')[0]}). ` +
        'Install it yourself (apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary.\n',
    );
    process.exitCode = 1;
  }
}
