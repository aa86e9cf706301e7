/**
 * What `estatescan scan` shows, against the emulator: the findings the store resolved are in the
 * reports (they used to be written before the store was, and said "0 resolved"), `--severity`,
 * `--service` and `--exclude-rules`, CSV that Excel reads as UTF-8, and tables that fit the
 * terminal. `inventory --type` collects and shows only what it names.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  changeDemoEstate,
  DEMO_ACCOUNTS,
  DEMO_HUB_CREDENTIALS,
  seedDemoEstate,
} from '../../../scripts/demo/estate.ts';
import { processIo } from '../../../src/cli/io.ts';
import { main } from '../../../src/cli/main.ts';
import type { Finding } from '../../../src/findings/types.ts';
import { captureIo } from '../../support/capture-io.ts';
import { emulatorEndpoint, resetEmulator } from '../../support/emulator.ts';

const env = (extra: { columns?: number; color?: boolean } = {}) => ({
  endpoint: emulatorEndpoint(),
  region: 'eu-west-1',
  interactive: false,
  ...extra,
});
const production = ['--accounts', DEMO_ACCOUNTS.production, '--regions', 'eu-west-1', '-q'];

/** Captures stdout and stderr, and writes report files to disk as the real CLI does. */
function diskIo() {
  return { ...captureIo(), write: processIo().write };
}

const findingsOf = (io: ReturnType<typeof captureIo>) =>
  (JSON.parse(io.out.join('')) as { findings: Finding[] }).findings;

describe('estatescan scan: what the reports show', () => {
  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
  });

  it('lists the findings the store resolved, in every report of the run', async () => {
    // Prepare
    const rule = ['--rules', 's3-bucket-versioning-disabled'];
    await main(
      ['scan', ...production, ...rule, '--table', 'report-findings', '-f', 'json'],
      env(),
      captureIo(),
    );
    await changeDemoEstate(emulatorEndpoint());
    const dir = mkdtempSync(join(tmpdir(), 'estatescan-resolved-'));
    const io = diskIo();

    // Act
    const code = await main(
      [
        'scan',
        ...production,
        ...rule,
        '--table',
        'report-findings',
        '-f',
        'html,json,csv',
        '--output-dir',
        dir,
      ],
      env(),
      io,
    );

    // Assess
    expect(code).toBe(0);
    expect(io.err.join('')).toMatch(/1 new, 1 resolved/);
    expect(io.err.join('')).toMatch(/open findings, 1 resolved/);
    const file = (ext: string) =>
      readFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith(`.${ext}`)) ?? ''), 'utf8');
    const json = JSON.parse(file('json')) as { findings: Finding[] };
    const resolved = json.findings.filter((f) => f.status === 'resolved');
    expect(resolved.map((f) => f.resourceId)).toEqual(['acme-prod-logs']);
    expect(resolved[0]?.resolvedAt).toBeDefined();
    expect(file('html')).toMatch(/\d+ open, 0 suppressed, 1 resolved\./);
    expect(file('html')).toMatch(
      /<tr data-severity="medium" data-account="111111111111" data-status="resolved"/,
    );
    expect(file('csv')).toMatch(/,resolved,s3-bucket-versioning-disabled,/);
  });

  it('lists the stored findings within the terminal, the dates and ids with --wide', async () => {
    // Prepare
    const narrow = captureIo();
    const wide = captureIo();

    // Act
    await main(['findings', '--table', 'report-findings'], env({ columns: 100 }), narrow);
    await main(['findings', '--table', 'report-findings', '--wide'], env({ columns: 100 }), wide);

    // Assess
    const lines = narrow.out.join('').split('\n');
    expect(lines[0]).toMatch(/^severity\s+account\s+region\s+rule\s+resource\b/);
    expect(lines[0]).not.toMatch(/\bid$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    expect(narrow.out.join('')).toMatch(/Cut to fit 100 columns \(without (.+, )?id\)/);
    expect(wide.out.join('').split('\n')[0]).toMatch(/\s+first seen\s+last seen\s+id$/);
  });

  it('shows only --severity, evaluates only --service, leaves out --exclude-rules', async () => {
    // Prepare
    const severe = captureIo();
    const services = captureIo();

    // Act
    await main(['scan', ...production, '--severity', 'critical,high', '-f', 'json'], env(), severe);
    await main(
      [
        'scan',
        ...production,
        '--service',
        's3,ecr',
        '--exclude-rules',
        'ecr-repository-tags-mutable',
        '-f',
        'json',
      ],
      env(),
      services,
    );

    // Assess
    const shown = findingsOf(severe);
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown.map((f) => f.severity))).toEqual(new Set(['critical', 'high']));
    const rules = (JSON.parse(services.out.join('')) as { rules: { id: string; service: string }[] }).rules;
    expect(new Set(rules.map((r) => r.service))).toEqual(new Set(['s3', 'ecr']));
    expect(rules.map((r) => r.id)).not.toContain('ecr-repository-tags-mutable');
    expect(findingsOf(services).every((f) => f.ruleId.startsWith('s3-') || f.ruleId.startsWith('ecr-'))).toBe(
      true,
    );
  });

  it('counts only the findings shown for --fail-on', async () => {
    // Act
    const low = await main(
      ['scan', ...production, '--severity', 'low', '--fail-on', 'high', '-f', 'json'],
      env(),
      captureIo(),
    );
    const all = await main(['scan', ...production, '--fail-on', 'high', '-f', 'json'], env(), captureIo());

    // Assess
    expect(low).toBe(3); // nothing at or above high shown; the emulator lacks SSM: a partial target
    expect(all).toBe(1);
  });

  it('writes CSV with a UTF-8 byte-order mark, to a file and to stdout', async () => {
    // Prepare
    const toStdout = captureIo();
    const dir = mkdtempSync(join(tmpdir(), 'estatescan-csv-'));

    // Act
    await main(['scan', ...production, '--service', 's3', '-f', 'csv'], env(), toStdout);
    await main(
      ['scan', ...production, '--service', 's3', '-f', 'csv', '-o', join(dir, 'f.csv')],
      env(),
      diskIo(),
    );

    // Assess
    expect(toStdout.out.join('')).toMatch(/^\ufefffinding_id,severity,/);
    expect([...readFileSync(join(dir, 'f.csv')).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('fits the table to the terminal, whole with --wide, coloured only on a colour terminal', async () => {
    // Prepare
    const narrow = captureIo();
    const wide = captureIo();
    const coloured = captureIo();

    // Act
    await main(['scan', ...production, '--service', 'ec2'], env({ columns: 100 }), narrow);
    await main(['scan', ...production, '--service', 'ec2', '--wide'], env({ columns: 100 }), wide);
    await main(['scan', ...production, '--service', 'ec2'], env({ columns: 100, color: true }), coloured);

    // Assess
    const rows = narrow.out
      .join('')
      .split('\n')
      .filter((l) => l.startsWith(DEMO_ACCOUNTS.production));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(100);
    expect(narrow.out.join('')).toContain('Cut to fit 100 columns');
    expect(
      Math.max(
        ...wide.out
          .join('')
          .split('\n')
          .map((l) => l.length),
      ),
    ).toBeGreaterThan(100);
    expect(wide.out.join('')).not.toContain('Cut to fit');
    expect(narrow.out.join('')).not.toContain('\u001b[');
    expect(coloured.out.join('')).toContain('\u001b[1;31mCRITICAL (');
  });
});

describe('estatescan inventory --type', () => {
  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
  });

  it('collects and shows only the types and services named', async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(
      ['inventory', ...production, '--type', 's3,ecr.repositories', '-f', 'json'],
      env(),
      io,
    );

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(io.out.join('')) as {
      snapshots: { sources: Record<string, unknown> }[];
      apiCalls: Record<string, unknown>;
    };
    expect(Object.keys(report.snapshots[0]?.sources ?? {}).sort()).toEqual([
      'ecr.repositories',
      's3.buckets',
    ]);
    expect(JSON.stringify(report.apiCalls)).not.toMatch(/ec2:DescribeInstances|eks:|ecs:/);
  });
});
