import { describe, expect, it } from 'vitest';
import { renderJson } from '../../../src/report/json.ts';
import { makeReport } from '../../fixtures/report.ts';

describe('renderJson', () => {
  it('writes the run, targets, findings, errors and skipped rules, pretty-printed', () => {
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
      'targets',
      'findings',
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

  it('leaves the inventory, lifecycle and rule metadata out', () => {
    // Act
    const parsed = JSON.parse(renderJson(makeReport()));

    // Assess
    expect(parsed).not.toHaveProperty('inventory');
    expect(parsed).not.toHaveProperty('lifecycle');
    expect(parsed).not.toHaveProperty('rules');
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
