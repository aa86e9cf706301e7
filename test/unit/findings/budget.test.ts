import { describe, expect, it } from 'vitest';
import { boundedEvidence, boundedText, findingBudget } from '../../../src/findings/budget.ts';

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

describe('boundedText', () => {
  it('keeps a text within the budget as it is', () => {
    expect(boundedText('short', 10)).toBe('short');
    expect(boundedText('x'.repeat(10), 10)).toBe('x'.repeat(10));
  });

  it('cuts a long text to the budget, saying how much it cut', () => {
    // Act
    const cut = boundedText('a'.repeat(5_000), 100);

    // Assess
    expect(cut.length).toBeLessThanOrEqual(100);
    const kept = cut.match(/^a*/)?.[0].length ?? 0;
    expect(cut).toBe(`${'a'.repeat(kept)}… [${5_000 - kept} more characters]`);
  });

  it('never splits a surrogate pair', () => {
    // Prepare: emoji are two UTF-16 units each, so some cut lands between the halves of one.
    const text = '😀'.repeat(100);

    // Act / Assess
    for (let max = 40; max < 50; max++) {
      const cut = boundedText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });
});

describe('boundedEvidence', () => {
  it('leaves evidence within the budget unchanged', () => {
    // Prepare
    const evidence = {
      groupName: 'web',
      permissions: [{ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', highRiskPorts: [22] }],
      attached: true,
      networkInterfaces: 2,
      daysPastEnd: 12,
      nothing: null,
    };

    // Act / Assess
    expect(boundedEvidence(evidence)).toEqual(evidence);
  });

  it('keeps the first entries of a long list and ends it with a count', () => {
    // Prepare
    const permissions = Array.from({ length: 1_000 }, (_, i) => ({ protocol: 'tcp', fromPort: i }));

    // Act
    const bounded = boundedEvidence({ permissions });

    // Assess
    const kept = bounded.permissions as unknown[];
    const { listEntries } = findingBudget.evidence;
    expect(kept).toHaveLength(listEntries + 1);
    expect(kept.slice(0, listEntries)).toEqual(permissions.slice(0, listEntries));
    expect(kept[listEntries]).toBe(`… [${1_000 - listEntries} more entries, 1000 in all]`);
  });

  it('cuts long strings, keys and deep values, and counts the fields it leaves out', () => {
    // Prepare
    const fields = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`tag${i}`, 'v']));
    const deep = { a: { b: { c: { d: { e: { f: { g: 'bottom' } } } } } } };

    // Act
    const bounded = boundedEvidence({ description: 'd'.repeat(10_000), fields, deep });

    // Assess
    expect((bounded.description as string).length).toBeLessThanOrEqual(findingBudget.evidence.stringLength);
    expect(bounded.description).toMatch(/^d+… \[\d+ more characters\]$/);
    const keptFields = bounded.fields as Record<string, unknown>;
    expect(Object.keys(keptFields)).toHaveLength(findingBudget.evidence.objectKeys + 1);
    expect(keptFields['…']).toBe(`${80 - findingBudget.evidence.objectKeys} more fields`);
    // Below the nesting budget a value is kept as its JSON text.
    const { a } = bounded.deep as { a: { b: { c: { d: { e: unknown } } } } };
    expect(a.b.c.d.e).toBe('{"f":{"g":"bottom"}}');
  });

  it('cuts lists and strings shorter until the whole fits the byte budget', () => {
    // Prepare: 40 fields of 20 entries of 1,000 characters each: every part within its own budget,
    // 800 KB in all.
    const evidence = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`list${i}`, Array.from({ length: 20 }, () => 'x'.repeat(1_000))]),
    );

    // Act
    const bounded = boundedEvidence(evidence);

    // Assess
    expect(jsonBytes(evidence)).toBeGreaterThan(800_000);
    expect(jsonBytes(bounded)).toBeLessThanOrEqual(findingBudget.evidence.bytes);
    expect(Object.keys(bounded)).toEqual(Object.keys(evidence));
  });

  it('fits evidence with too many fields for any cut, as the start of its text', () => {
    // Prepare: wide at every level, so even one entry per list and 64 characters per string exceed it.
    const wide = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [
        `k${i}`,
        Object.fromEntries(Array.from({ length: 50 }, (_, j) => [`f${j}`, 'y'.repeat(64)])),
      ]),
    );

    // Act
    const bounded = boundedEvidence(wide);

    // Assess
    expect(Object.keys(bounded)).toEqual(['evidenceCut']);
    expect(jsonBytes(bounded)).toBeLessThanOrEqual(findingBudget.evidence.bytes);
  });

  it('is deterministic: the same evidence always comes out the same', () => {
    // Prepare
    const make = () => ({
      groupName: 'g'.repeat(3_000),
      permissions: Array.from({ length: 1_000 }, (_, i) => ({
        fromPort: i,
        description: `rule ${i} ${'z'.repeat(255)}`,
      })),
    });

    // Act
    const first = boundedEvidence(make());
    const second = boundedEvidence(make());

    // Assess
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});
