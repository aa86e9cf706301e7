import { describe, expect, it } from 'vitest';
import { renderJson } from '../../../src/report/json.ts';
import { makeReport } from '../../fixtures/report.ts';

describe('renderJson', () => {
  it('writes the run, accounts, targets, findings with their tags, rules, coverage, errors and skipped rules, pretty-printed', () => {
    // Prepare
    const report = makeReport();

    // Act
    const text = renderJson(report);
    const parsed = JSON.parse(text);

    // Assess
    expect(Object.keys(parsed)).toEqual([
      'runId',
      'startedAt',
      'finishedAt',
      'generator',
      'accounts',
      'targets',
      'findings',
      'resourceTags',
      'rules',
      'coverage',
      'errors',
      'skippedRules',
    ]);
    expect(parsed.runId).toBe(report.runId);
    expect(parsed.findings).toEqual(report.findings);
    expect(parsed.errors).toEqual(report.errors);
    expect(parsed.skippedRules).toEqual(report.skippedRules);
    expect(text).toContain('\n  "runId": ');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('leaves the inventory and lifecycle out, and gives each rule its compliance controls', () => {
    // Prepare
    const report = makeReport({
      rules: [
        {
          id: 'ec2-security-group-open-ingress',
          title: 'Security group allows ingress from the internet',
          severity: 'critical',
          service: 'ec2',
          references: {
            securityHub: 'EC2.19',
            cis: 'CIS AWS Foundations Benchmark v3.0.0 5.2, 5.3',
            docs: ['https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19'],
          },
          consoleSteps: ['Open the console.'],
        },
      ],
    });

    // Act
    const parsed = JSON.parse(renderJson(report));

    // Assess
    expect(parsed).not.toHaveProperty('inventory');
    expect(parsed).not.toHaveProperty('lifecycle');
    expect(parsed.rules[0]).not.toHaveProperty('consoleSteps');
    expect(parsed.rules[0].compliance).toEqual([
      { standard: 'AWS Security Hub', controls: ['EC2.19'] },
      { standard: 'CIS AWS Foundations Benchmark v3.0.0', controls: ['5.2', '5.3'] },
    ]);
  });

  it('writes empty lists for a clean scan', () => {
    // Act
    const parsed = JSON.parse(renderJson(makeReport({ findings: [], errors: [], skippedRules: [] })));

    // Assess
    expect(parsed.findings).toEqual([]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.targets).toHaveLength(5);
  });
});
