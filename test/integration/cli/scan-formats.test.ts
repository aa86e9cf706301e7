/**
 * One run, every report: `--format html,ocsf,asff,csv,json,table --output-dir DIR`, and the output
 * mistakes that must fail in a second with a usage error instead of after a scan.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { processIo } from '../../../src/cli/io.ts';
import { main } from '../../../src/cli/main.ts';
import type { AsffBatch } from '../../../src/report/asff.ts';
import type { OcsfDetectionFinding } from '../../../src/report/ocsf.ts';
import { captureIo } from '../../support/capture-io.ts';
import { emulatorEndpoint, resetEmulator } from '../../support/emulator.ts';

const env = (endpoint = emulatorEndpoint()) => ({ endpoint, region: 'eu-west-1', interactive: false });
const production = ['--accounts', DEMO_ACCOUNTS.production, '--regions', 'eu-west-1', '-q'];
const fresh = () => mkdtempSync(join(tmpdir(), 'estatescan-formats-'));

/** Captures stdout and stderr, and writes report files to disk as the real CLI does. */
function diskIo() {
  return { ...captureIo(() => new Date('2026-11-25T12:00:00Z')), write: processIo().write };
}

describe('estatescan scan: several formats from one run', () => {
  let counting: Server;
  let requests = 0;

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    // An endpoint that counts what reaches it: a usage error must come before any AWS call.
    counting = createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', () => resolve()));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => counting.close(() => resolve()));
  });

  it('writes every format, named after the one run id they all carry, into a directory it creates', async () => {
    // Prepare
    const dir = join(fresh(), 'reports', 'nightly');
    const io = diskIo();

    // Act
    const code = await main(
      ['scan', ...production, '--format', 'html,ocsf,asff,csv,json,table', '--output-dir', dir],
      env(),
      io,
    );

    // Assess
    expect(code).toBe(3); // the demo estate's SSM is out of the emulator's reach: targets partial
    const files = readdirSync(dir).sort();
    const json = files.find((f) => f.endsWith('.json') && !/\.(ocsf|asff)\.json$/.test(f)) ?? '';
    const runId = JSON.parse(readFileSync(join(dir, json), 'utf8')).runId;
    expect(files).toEqual(
      ['asff.json', 'csv', 'html', 'json', 'ocsf.json', 'txt'].map((ext) => `estatescan-${runId}.${ext}`),
    );
    const read = (ext: string) => readFileSync(join(dir, `estatescan-${runId}.${ext}`), 'utf8');
    const ocsf = JSON.parse(read('ocsf.json')) as OcsfDetectionFinding[];
    const asff = JSON.parse(read('asff.json')) as AsffBatch[];
    expect(ocsf.length).toBeGreaterThan(5);
    expect(new Set(ocsf.map((e) => e.unmapped.run_id))).toEqual(new Set([runId]));
    expect(new Set(asff.flatMap((b) => b.Findings.map((f) => f.ProductFields['estatescan/runId'])))).toEqual(
      new Set([runId]),
    );
    expect(read('html')).toContain(`<title>estatescan report ${runId}</title>`);
    expect(read('txt')).toContain(`estatescan scan ${runId}`);
    expect(read('csv').split('\n').length - 2).toBe(ocsf.length);
    expect(io.out.join('')).toBe('');
    expect(io.err.join('')).toContain(`run ${runId} written to ${join(dir, `estatescan-${runId}.html`)}`);
  });

  it('takes -o naming a directory as the output directory instead of failing with EISDIR', async () => {
    // Prepare
    const dir = fresh();
    const io = diskIo();

    // Act
    const code = await main(
      ['scan', ...production, '--rules', 's3-bucket-versioning-disabled', '-f', 'html', '-o', `${dir}/`],
      env(),
      io,
    );

    // Assess
    expect(code).toBe(0);
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^estatescan-\d{8}T\d{6}Z-[0-9a-f]{8}\.html$/)]);
  });

  it('refuses, with a usage error and before any AWS call, a report it could not write', async () => {
    // Prepare
    const base = fresh();
    const file = join(base, 'not-a-directory');
    writeFileSync(file, 'x');
    const endpoint = `http://127.0.0.1:${(counting.address() as AddressInfo).port}`;
    const cases = [
      ['--format', 'html,csv', '--output-dir', join(file, 'reports')],
      ['--format', 'html,csv'],
      ['--format', 'html,csv', '-o', join(base, 'report.html')],
      ['--format', 'html', '-o', join(base, 'missing', 'report.html')],
    ];

    // Act
    const outcomes = [];
    for (const args of cases) {
      const io = captureIo();
      outcomes.push({
        code: await main(['scan', ...production, ...args], env(endpoint), io),
        err: io.err.join(''),
      });
    }

    // Assess
    expect(outcomes.map((o) => o.code)).toEqual([2, 2, 2, 2]);
    expect(outcomes[0]?.err).toMatch(/--output-dir: cannot create the directory .*ENOTDIR/);
    expect(outcomes[1]?.err).toMatch(/several formats need --output-dir/);
    expect(outcomes[2]?.err).toMatch(/several formats need --output-dir/);
    expect(outcomes[3]?.err).toMatch(/--output: the directory of .* does not exist/);
    for (const o of outcomes) expect(o.err).not.toMatch(/\bat .*\.ts:\d+/);
    expect(requests).toBe(0);
  });

  it('still writes the other reports when one cannot be written, says which, and exits 3', async () => {
    // Prepare: the disk refuses the CSV after the scan.
    const dir = fresh();
    const io = diskIo();
    const write = io.write;
    io.write = async (text, path) => {
      if (path?.endsWith('.csv'))
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      await write(text, path);
    };

    // Act
    const code = await main(
      [
        'scan',
        ...production,
        '--rules',
        's3-bucket-versioning-disabled',
        '-f',
        'json,csv,html',
        '--output-dir',
        dir,
      ],
      env(),
      io,
    );

    // Assess
    expect(code).toBe(3);
    expect(
      readdirSync(dir)
        .map((f) => f.split('.').slice(1).join('.'))
        .sort(),
    ).toEqual(['html', 'json']);
    expect(io.err.join('')).toMatch(/could not write .*\.csv: ENOSPC/);
  });
});
