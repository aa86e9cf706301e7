import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { configJsonSchema, parseConfig } from '../../../src/config/config-file.ts';
import { UsageError } from '../../../src/errors.ts';

const known = new Set(allRules.map((r) => r.id));

function problemsOf(text: string): string[] {
  try {
    parseConfig(text, 'c.yml', known);
  } catch (error) {
    if (error instanceof UsageError) return error.problems;
    throw error;
  }
  return [];
}

describe('the configuration file', () => {
  it('accepts the example configuration shipped with the project', () => {
    // Prepare
    const text = readFileSync('estatescan.config.example.yml', 'utf8');

    // Act
    const config = parseConfig(text, 'example', known);

    // Assess
    expect(config.targets?.accounts).toBe('organization');
    expect(config.settings).toEqual({ authorizedPorts: [80, 443], warningDays: 90, connectionLostHours: 24 });
    expect(config.suppressions?.[0]).toMatchObject({
      rule: 'ec2-security-group-open-ingress',
      expires: '2027-03-31',
    });
  });

  it('lists every problem at once: unknown keys, bad values, unknown rule ids', () => {
    // Act
    const problems = problemsOf(
      ['rules:', '  enabled: [no-such-rule]', 'settings:', '  warningDays: -1', '  colour: blue'].join('\n'),
    );

    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^c\.yml: settings\.warningDays: .*>=0/),
      'c.yml: settings: unknown key "colour"',
    ]);
  });

  it('names unknown rule ids once the shape is valid', () => {
    expect(
      problemsOf('rules:\n  disabled: [no-such-rule]\n  severity:\n    other-missing-rule: high\n'),
    ).toEqual([
      'c.yml: rules.disabled[1]: unknown rule id "no-such-rule"',
      'c.yml: rules.severity.other-missing-rule: unknown rule id "other-missing-rule"',
    ]);
  });

  it('rejects YAML that does not parse, with the file name', () => {
    expect(() => parseConfig('targets: [unclosed', 'broken.yml', known)).toThrow(
      /broken\.yml is not valid YAML/,
    );
  });

  it('requires a real expiry date, a reason and an owner on suppressions', () => {
    const problems = problemsOf(
      'suppressions:\n  - rule: "*"\n    resource: "sg-*"\n    expires: 2027-02-30\n',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'c.yml: suppressions[1].reason: Invalid input: expected string, received undefined',
        'c.yml: suppressions[1].owner: Invalid input: expected string, received undefined',
        'c.yml: suppressions[1].expires: not a real date',
      ]),
    );
  });

  it('ships a JSON schema in step with the code (run npm run schema after changing it)', () => {
    const committed = JSON.parse(readFileSync('estatescan.config.schema.json', 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });
});
