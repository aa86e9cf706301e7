import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { main } from '../../../src/cli/main.ts';
import type { Finding } from '../../../src/findings/types.ts';
import { captureIo as captureWith } from '../../support/capture-io.ts';
import { emulatorEndpoint, resetEmulator } from '../../support/emulator.ts';

const captureIo = () => captureWith(() => new Date('2026-11-25T12:00:00Z'));

const env = () => ({ endpoint: emulatorEndpoint(), region: 'eu-west-1', interactive: false });
const production = ['--accounts', DEMO_ACCOUNTS.production, '--regions', 'eu-west-1'];

describe('estatescan scan and estatescan rules', () => {
  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
  });

  it('prints JSON with runId, startedAt, targets, findings and errors; exit 0 without --fail-on', async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(
      ['scan', ...production, '--rules', 's3-bucket-versioning-disabled', '-f', 'json'],
      env(),
      io,
    );

    // Assess
    expect(code).toBe(0);
    const report = JSON.parse(io.out.join('')) as { runId: string; findings: Finding[]; targets: unknown[] };
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['runId', 'startedAt', 'targets', 'findings', 'errors']),
    );
    expect(report.findings.map((f) => [f.ruleId, f.resourceId])).toEqual([
      ['s3-bucket-versioning-disabled', 'acme-prod-logs'],
    ]);
  });

  it('exits 1 when a finding is at or above --fail-on, and 0 when none is', async () => {
    const high = await main(['scan', ...production, '--quiet', '--fail-on', 'high'], env(), captureIo());
    const onlyMedium = await main(
      ['scan', ...production, '--quiet', '--rules', 's3-bucket-versioning-disabled', '--fail-on', 'high'],
      env(),
      captureIo(),
    );
    expect(high).toBe(1);
    expect(onlyMedium).toBe(0);
  });

  it('applies a configuration file: disabled rules, severity overrides and suppressions', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'estatescan-'));
    const config = join(dir, 'estatescan.config.yml');
    writeFileSync(
      config,
      [
        'rules:',
        '  enabled: [s3-bucket-versioning-disabled, ecr-repository-tags-mutable]',
        '  disabled: [ecr-repository-tags-mutable]',
        '  severity: { s3-bucket-versioning-disabled: critical }',
        'suppressions:',
        '  - rule: s3-bucket-versioning-disabled',
        '    resource: acme-prod-*',
        '    reason: log bucket, rewritten daily',
        '    owner: platform@example.com',
        '    expires: 2027-01-31',
      ].join('\n'),
    );
    const io = captureIo();

    // Act
    const code = await main(
      ['scan', ...production, '--config', config, '-f', 'json', '--fail-on', 'critical'],
      env(),
      io,
    );

    // Assess
    const findings = (JSON.parse(io.out.join('')) as { findings: Finding[] }).findings;
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 's3-bucket-versioning-disabled',
        severity: 'critical',
        status: 'suppressed',
        suppression: {
          reason: 'log bucket, rewritten daily',
          owner: 'platform@example.com',
          expiresAt: '2027-01-31T23:59:59.999Z',
        },
      }),
    ]);
    // A suppressed finding does not fail the run.
    expect(code).toBe(0);
  });

  it('rejects unknown rule ids and bad options with exit 2, listing every problem, before scanning', async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(
      [
        'scan',
        '--accounts',
        'nope',
        '--rules',
        'no-such-rule,also-missing',
        '--fail-on',
        'severe',
        '--output',
        'x.json',
      ],
      env(),
      io,
    );

    // Assess
    expect(code).toBe(2);
    const err = io.err.join('');
    expect(err).toMatch(/--fail-on: must be one of critical, high, medium, low, info/);
    expect(err).toMatch(/--accounts\[1\]: an account id is 12 digits/);
    expect(err).toMatch(/unknown rule id "no-such-rule"/);
    expect(err).toMatch(/unknown rule id "also-missing"/);
    expect(io.files.size).toBe(0);
  });

  it('writes every format: csv, ocsf, asff and a self-contained html file', async () => {
    for (const format of ['csv', 'ocsf', 'asff', 'html']) {
      const io = captureIo();
      const code = await main(
        ['scan', ...production, '--quiet', '-f', format, '-o', `report.${format}`],
        env(),
        io,
      );
      // The emulator has no SSM managed instances API: the scan is complete but for that source.
      expect(code, format).toBe(3);
      expect(io.err.join(''), format).toMatch(/1 targets incomplete/);
      expect(io.files.get(`report.${format}`)?.length, format).toBeGreaterThan(200);
    }
  });

  it('lists the rules, and their full metadata as JSON', async () => {
    const table = captureIo();
    const json = captureIo();
    await main(['rules'], env(), table);
    await main(['rules', '--format', 'json'], env(), json);
    expect(table.out.join('')).toMatch(/ec2-instance-os-eol\s+critical/);
    const rules = JSON.parse(json.out.join('')) as { id: string; risk: string; requires: string[] }[];
    expect(rules.length).toBe(17);
    expect(rules.every((r) => r.risk.length > 0 && r.requires.length > 0)).toBe(true);
  });

  it('exits 2, saying to check the credentials, when it cannot tell who the caller is', async () => {
    // Prepare: an endpoint where nothing answers (a port the emulator does not use), one attempt.
    const io = captureIo();
    const closed = { ...env(), endpoint: 'http://127.0.0.1:9' };

    // Act
    const code = await main(['scan', ...production, '--max-attempts', '1', '--format', 'json'], closed, io);

    // Assess: a configuration problem, not a scan with failed targets; nothing printed as a report.
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(
      /Could not tell who the caller is \(sts:GetCallerIdentity: .*\)\. Check your AWS/,
    );
    expect(io.out.join('')).toBe('');
  });
});
