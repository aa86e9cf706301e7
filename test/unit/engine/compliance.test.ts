import { describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { complianceOf, complianceRequirements } from '../../../src/engine/compliance.ts';

describe('complianceOf', () => {
  it('reads Security Hub control lists and CIS benchmarks with their control ids', () => {
    // Act
    const refs = complianceOf({
      securityHub: 'S3.8, S3.1',
      cis: 'CIS AWS Foundations Benchmark v3.0.0 5.2, 5.3',
      docs: [],
    });

    // Assess
    expect(refs).toEqual([
      { standard: 'AWS Security Hub', controls: ['S3.8', 'S3.1'] },
      { standard: 'CIS AWS Foundations Benchmark v3.0.0', controls: ['5.2', '5.3'] },
    ]);
    expect(complianceRequirements({ cis: 'CIS Amazon EKS Benchmark v1.5.0 5.4.2', docs: [] })).toEqual([
      'CIS Amazon EKS Benchmark v1.5.0 5.4.2',
    ]);
    expect(complianceOf({ docs: [] })).toEqual([]);
  });

  it("reads every rule's references into at least one control where it names one", () => {
    for (const rule of allRules) {
      const refs = complianceOf(rule.references);
      if (rule.references.securityHub || rule.references.cis) {
        expect(refs.length, rule.id).toBeGreaterThan(0);
        for (const ref of refs) expect(ref.controls.length, rule.id).toBeGreaterThan(0);
      }
    }
  });
});
