import { describe, expect, it } from 'vitest';
import { collectors } from '../../../src/inventory/collect.ts';
import { memberAccountOperations } from '../../../src/scan/member-account-calls.ts';

describe('memberAccountOperations', () => {
  it("lists every collector's declared calls and the planner's DescribeRegions, each once, sorted", () => {
    // Prepare
    const declared = collectors.flatMap((c) => c.calls.map((d) => d.operation));

    // Assess
    expect(memberAccountOperations).toEqual([...new Set([...declared, 'ec2:DescribeRegions'])].sort());
    expect(new Set(memberAccountOperations).size).toBe(memberAccountOperations.length);
  });

  it('holds only calls made in member accounts, none of the hub session or the Security Hub import', () => {
    // Assess
    expect(memberAccountOperations.filter((op) => /^(sts|organizations|securityhub):/.test(op))).toEqual([]);
  });
});
