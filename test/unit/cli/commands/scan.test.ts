import { describe, expect, it } from 'vitest';
import { allRules } from '../../../../rules/index.ts';
import { parseScanRequest, type ScanRequest } from '../../../../src/cli/commands/scan.ts';
import { UsageError } from '../../../../src/errors.ts';

const env = { region: 'eu-west-1', interactive: false };

async function parsed(args: string[]): Promise<ScanRequest> {
  const request = await parseScanRequest([...args, '--config', '/dev/null'], env);
  if (request === 'help') throw new Error('help');
  return request;
}

async function problems(args: string[]): Promise<string[]> {
  const error = await parseScanRequest(args, env).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  return (error as UsageError).problems;
}

describe('estatescan scan: choosing rules and findings', () => {
  it('evaluates only the rules of --service', async () => {
    // Act
    const request = await parsed(['--service', 's3,ecr']);

    // Assess
    const expected = allRules.filter((r) => r.service === 's3' || r.service === 'ecr').map((r) => r.id);
    expect(request.rules.map((r) => r.id).sort()).toEqual(expected.sort());
  });

  it('leaves out --exclude-rules, with --rules and --service alike', async () => {
    // Act
    const excluded = await parsed(['--exclude-rules', 's3-bucket-versioning-disabled']);
    const both = await parsed(['--service', 's3', '--exclude-rules', 's3-bucket-versioning-disabled']);

    // Assess
    expect(excluded.rules).toHaveLength(allRules.length - 1);
    expect(excluded.rules.map((r) => r.id)).not.toContain('s3-bucket-versioning-disabled');
    expect(both.rules.map((r) => r.id)).toEqual(['s3-bucket-public-access-not-blocked']);
  });

  it('keeps --severity as the findings to show, evaluating every rule', async () => {
    // Act
    const request = await parsed(['--severity', 'critical, high', '--fail-on', 'high']);

    // Assess
    expect([...(request.severities ?? [])]).toEqual(['critical', 'high']);
    expect(request.failOn).toBe('high');
    expect(request.rules).toHaveLength(allRules.length);
  });

  it('reports every unknown service, rule and severity at once', async () => {
    // Act
    const found = await problems([
      '--service',
      's3,lambda',
      '--exclude-rules',
      'no-such-rule',
      '--severity',
      'hihg',
    ]);

    // Assess
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^--service: unknown service "lambda" \(one of .*s3.*\)$/),
        expect.stringMatching(/^--exclude-rules: unknown rule id "no-such-rule"/),
        expect.stringMatching(
          /^--severity: unknown severity "hihg" \(one of critical, high, medium, low, info\)$/,
        ),
      ]),
    );
  });

  it('refuses a selection that leaves no rule', async () => {
    // Act
    const error = await parseScanRequest(
      [
        '--service',
        's3',
        '--exclude-rules',
        's3-bucket-versioning-disabled,s3-bucket-public-access-not-blocked',
      ],
      env,
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /No rules are enabled: check --rules, --service, --exclude-rules/,
    );
  });

  it('answers --help without reading a configuration file', async () => {
    await expect(parseScanRequest(['--help', '--config', '/no/such/file.yml'], env)).resolves.toBe('help');
  });
});
