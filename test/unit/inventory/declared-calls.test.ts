import { describe, expect, it } from 'vitest';
import { iamActionFor } from '../../../src/aws/iam-actions.ts';
import { collectors } from '../../../src/inventory/collect.ts';
import {
  callsFor,
  type DeclaredCall,
  isMadeFor,
  pageSizeFor,
} from '../../../src/inventory/declared-calls.ts';

const call = (declared: Partial<DeclaredCall>): DeclaredCall => ({
  operation: 'ec2:DescribeVpcs',
  sources: ['ec2.vpcs'],
  per: 'page',
  ...declared,
});

describe('pageSizeFor', () => {
  it('asks for the declared page size, or the smaller one a test sets, never below the API minimum', () => {
    // Prepare
    const paged = { pageSize: 1000, minPageSize: 5 };

    // Act and assess
    expect(pageSizeFor({}, paged)).toBe(1000);
    expect(pageSizeFor({ pageSize: 20 }, paged)).toBe(20);
    expect(pageSizeFor({ pageSize: 2 }, paged)).toBe(5);
    expect(pageSizeFor({ pageSize: 5000 }, paged)).toBe(1000);
    expect(pageSizeFor({ pageSize: 2 }, { pageSize: 100 })).toBe(2);
  });
});

describe('callsFor', () => {
  it('counts a page even when there is nothing to list, and no batch when there is nothing to describe', () => {
    // Act and assess
    expect(callsFor(call({ per: 'page', pageSize: 100 }), [0, 100, 101])).toBe(1 + 1 + 2);
    expect(callsFor(call({ per: 'batch', pageSize: 10 }), [0, 10, 11])).toBe(0 + 1 + 2);
  });

  it('counts items one by one, and a target call once per target (with `of`, where there is one)', () => {
    // Act and assess
    expect(callsFor(call({ per: 'item', of: 'bucket' }), [3, 0, 4])).toBe(7);
    expect(callsFor(call({ per: 'target' }), [1, 1])).toBe(2);
    expect(callsFor(call({ per: 'target', of: 'eks cluster' }), [0, 2, 0])).toBe(1);
    expect(callsFor(call({ per: 'account' }), [1, 1, 1])).toBe(3);
  });
});

describe('isMadeFor', () => {
  it('is true when any of the sources a call is made for is collected', () => {
    // Prepare
    const describeInstances = call({ sources: ['ec2.instances', 'ec2.images'] });

    // Act and assess
    expect(isMadeFor(describeInstances, new Set(['ec2.images']))).toBe(true);
    expect(isMadeFor(describeInstances, new Set(['ec2.vpcs']))).toBe(false);
  });
});

describe("the collectors' declared calls", () => {
  const declared = collectors.flatMap((c) => c.calls.map((d) => ({ collector: c, call: d })));

  it.each(
    declared.map(({ collector, call: d }) => ({
      operation: d.operation,
      name: collector.name,
      collector,
      d,
    })),
  )(
    '$operation ($name) is a well-formed declaration for the sources its collector produces',
    ({ collector, d }) => {
      // Assess: an IAM action exists for it, its sources are the collector's, and a paged or
      // batched call says its size and what it counts.
      expect(() => iamActionFor(d.operation)).not.toThrow();
      expect(d.sources.length).toBeGreaterThan(0);
      for (const source of d.sources) expect(collector.produces).toContain(source);
      if (d.per === 'page' || d.per === 'batch') {
        expect(d.pageSize).toBeGreaterThan(0);
        expect(d.of).toBeDefined();
      } else {
        expect(d.within).toBeUndefined();
      }
      if (d.per === 'item') expect(d.of).toBeDefined();
      if (d.pageSize !== undefined) expect(d.minPageSize ?? 1).toBeLessThanOrEqual(d.pageSize);
    },
  );

  it('declares each operation once, and at least one call for every source a collector produces', () => {
    // Prepare
    const operations = declared.map(({ call: d }) => d.operation);

    // Assess
    expect(new Set(operations).size).toBe(operations.length);
    for (const collector of collectors) {
      for (const source of collector.produces) {
        expect(
          collector.calls.some((d) => d.sources.includes(source)),
          source,
        ).toBe(true);
      }
    }
  });
});
