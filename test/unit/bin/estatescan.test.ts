/**
 * `bin/estatescan.js` as a user runs it: a fresh Node process running the built CLI (rebuilt first
 * when a source is newer than the build).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../../bin/estatescan.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const env = { ...process.env, NO_COLOR: '1', COLUMNS: '100' };

describe('bin/estatescan.js', () => {
  it('prints the version of package.json', async () => {
    const { stdout } = await run(process.execPath, [bin, '--version'], { env });
    expect(stdout).toBe(`estatescan ${version}\n`);
  });

  it('lists the rules fitted to COLUMNS when stdout is not a terminal, and exits 0', async () => {
    // Act
    const { stdout } = await run(process.execPath, [bin, 'rules'], { env });

    // Assess
    const table = stdout.split('\n\n')[0]!.split('\n');
    expect(table[0]).toMatch(/^id\s+severity/);
    for (const line of table) expect(line.length).toBeLessThanOrEqual(100);
    expect(stdout).not.toContain('\u001b[');
  });

  it('exits 2 on a usage error, saying what was wrong', async () => {
    const failure = await run(process.execPath, [bin, 'scan', '--severity', 'hihg'], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--severity: unknown severity "hihg"/),
    });
  });
});
