import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareOutput, reportFileName } from '../../../src/cli/output.ts';
import { UsageError } from '../../../src/errors.ts';

const RUN = '20261125T120000Z-1a2b3c4d';
const fresh = () => mkdtempSync(join(tmpdir(), 'estatescan-output-'));

async function usageError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('prepareOutput accepted it');
}

describe('prepareOutput', () => {
  it('names one file per format after the run in --output-dir, creating the directory when missing', async () => {
    // Prepare
    const dir = join(fresh(), 'reports', 'nightly');

    // Act
    const plan = await prepareOutput({
      formats: ['html', 'ocsf', 'asff', 'csv', 'json'],
      outputDir: dir,
      runId: RUN,
    });

    // Assess
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(plan).toEqual({
      kind: 'dir',
      dir,
      files: [
        { format: 'html', path: join(dir, `estatescan-${RUN}.html`) },
        { format: 'ocsf', path: join(dir, `estatescan-${RUN}.ocsf.json`) },
        { format: 'asff', path: join(dir, `estatescan-${RUN}.asff.json`) },
        { format: 'csv', path: join(dir, `estatescan-${RUN}.csv`) },
        { format: 'json', path: join(dir, `estatescan-${RUN}.json`) },
      ],
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('treats -o naming a directory (existing, or ending in /) as the output directory, as Prowler users type it', async () => {
    // Prepare
    const existing = fresh();
    const slashed = `${join(fresh(), 'out')}/`;

    // Act
    const a = await prepareOutput({ formats: ['html'], output: existing, runId: RUN });
    const b = await prepareOutput({ formats: ['csv', 'json'], output: slashed, runId: RUN });

    // Assess
    expect(a).toMatchObject({ kind: 'dir', files: [{ path: join(existing, reportFileName(RUN, 'html')) }] });
    expect(b).toMatchObject({ kind: 'dir', files: [{ format: 'csv' }, { format: 'json' }] });
    expect(statSync(slashed).isDirectory()).toBe(true);
  });

  it('writes one format to stdout or to the file -o names', async () => {
    // Prepare
    const file = join(fresh(), 'report.html');

    // Act / Assess
    expect(await prepareOutput({ formats: ['table'], runId: RUN })).toEqual({
      kind: 'stdout',
      format: 'table',
    });
    expect(await prepareOutput({ formats: ['html'], output: file, runId: RUN })).toEqual({
      kind: 'file',
      format: 'html',
      path: file,
    });
  });

  it('refuses what cannot work with a usage error naming the flag, before anything is scanned', async () => {
    // Prepare: a regular file where a directory would have to be.
    const base = fresh();
    const file = join(base, 'plain-file');
    writeFileSync(file, 'x');

    // Act / Assess
    expect(await usageError(prepareOutput({ formats: ['html', 'csv'], runId: RUN }))).toMatch(
      /several formats need --output-dir/,
    );
    expect(
      await usageError(prepareOutput({ formats: ['html', 'csv'], output: join(base, 'r.html'), runId: RUN })),
    ).toMatch(/several formats need --output-dir/);
    expect(
      await usageError(prepareOutput({ formats: ['html'], outputDir: join(file, 'sub'), runId: RUN })),
    ).toMatch(/--output-dir: cannot create the directory .* \(ENOTDIR\)/);
    expect(await usageError(prepareOutput({ formats: ['html'], outputDir: file, runId: RUN }))).toMatch(
      /--output-dir: cannot create the directory|is not a directory/,
    );
    expect(
      await usageError(
        prepareOutput({ formats: ['html'], output: join(base, 'missing', 'r.html'), runId: RUN }),
      ),
    ).toMatch(/--output: the directory of .* does not exist/);
    expect(
      await usageError(prepareOutput({ formats: ['html'], output: 'a', outputDir: 'b', runId: RUN })),
    ).toMatch(/give one of them/);
  });
});
