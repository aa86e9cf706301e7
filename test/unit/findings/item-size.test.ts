import { describe, expect, it } from 'vitest';
import { ItemTooLargeError } from '../../../src/findings/errors.ts';
import { findingId } from '../../../src/findings/finding-id.ts';
import {
  fitInventoryRows,
  INVENTORY_FIELD_LENGTH,
  ITEM_SIZE_BUDGET,
  itemSize,
} from '../../../src/findings/item-size.ts';
import { reconcile } from '../../../src/findings/reconcile.ts';
import { MemoryFindingStore } from '../../../src/findings/store.ts';
import type { Finding } from '../../../src/findings/types.ts';
import type { InventoryRow } from '../../../src/inventory/rows.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const AT = '2026-11-01T00:00:00.000Z';

function finding(resourceId: string, evidence: Record<string, unknown> = {}): Finding {
  return {
    findingId: findingId('rule-a', ACCOUNT, REGION, resourceId),
    ruleId: 'rule-a',
    title: 'A problem',
    severity: 'high',
    status: 'open',
    accountId: ACCOUNT,
    region: REGION,
    resourceType: 'AwsThing',
    resourceId,
    message: `${resourceId} has a problem.`,
    evidence,
    remediation: '1. Fix it.',
    firstSeen: AT,
    lastSeen: AT,
  };
}

function row(i: number, name = `instance ${i}`): InventoryRow {
  return {
    accountId: ACCOUNT,
    region: REGION,
    resourceType: 'ec2.instances',
    resourceId: `i-${i.toString(16).padStart(17, '0')}`,
    name,
    state: 'running',
    location: 'cloud',
    os: 'Amazon Linux 2023 (ami)',
    detail: `t3.micro · ami-${i} · sg-${i}`,
  };
}

describe('itemSize', () => {
  it("counts names and values as DynamoDB does: UTF-8 bytes, binary length, lists' and maps' overhead", () => {
    expect(itemSize({ a: 'xyz' })).toBe(1 + 3);
    expect(itemSize({ é: 'é' })).toBe(2 + 2);
    expect(itemSize({ b: Buffer.alloc(10) })).toBe(1 + 10);
    expect(itemSize({ t: true, n: null })).toBe(1 + 1 + 1 + 1);
    // A list: 3 bytes, plus 1 per element and the element.
    expect(itemSize({ l: ['ab', 'c'] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    // A map: 3 bytes, plus per entry 1, its name and its value; undefined values are not sent.
    expect(itemSize({ m: { k: 'v', gone: undefined } })).toBe(1 + 3 + (1 + 1 + 1));
  });
});

describe('MemoryFindingStore item-size check', () => {
  it('refuses a target with a finding item over the budget, names it, and writes nothing of the target', async () => {
    // Prepare: one finding whose evidence never went through the engine's budget.
    const store = new MemoryFindingStore();
    const result = reconcile({
      runId: 'run-1',
      at: AT,
      accountId: ACCOUNT,
      region: REGION,
      previous: { findings: [] },
      current: {
        findings: [finding('small'), finding('huge', { blob: 'x'.repeat(400 * 1024) })],
        evaluatedRules: ['rule-a'],
      },
    });

    // Act
    const error = await store.applyTarget(result).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ItemTooLargeError);
    expect(error).toMatchObject({
      itemKind: 'finding',
      key: `FINDING#${findingId('rule-a', ACCOUNT, REGION, 'huge')}`,
      accountId: ACCOUNT,
      region: REGION,
      limit: ITEM_SIZE_BUDGET,
    });
    expect((error as Error).message).toMatch(
      /^The finding item FINDING#\w+ of 111111111111 eu-west-1 would be \d+ bytes, over the 358400-byte budget/,
    );
    expect(store.findings.size).toBe(0);
    expect(store.states.size).toBe(0);
    expect(store.writes).toBe(0);
  });

  it('refuses a run target item over the budget', async () => {
    const store = new MemoryFindingStore();
    const errors = Array.from({ length: 2_000 }, () => ({
      accountId: ACCOUNT,
      region: REGION,
      source: 's3.buckets' as const,
      operation: 's3:GetBucketVersioning',
      code: 'AccessDenied',
      message: 'm'.repeat(300),
    }));
    const target = { accountId: ACCOUNT, region: REGION, status: 'partial' as const, durationMs: 1 };
    await expect(
      store.recordRunTarget({ runId: 'run-1' }, { ...target, findings: 0, changes: 0, errors }),
    ).rejects.toMatchObject({ name: 'ItemTooLargeError', itemKind: 'run-target', runId: 'run-1' });
  });
});

describe('inventory items', () => {
  it('cut long fields and keep the first rows that fit, saying how many there were', async () => {
    // Prepare: 20,000 rows of incompressible names, far more than one item holds.
    let seed = 7;
    const noise = (n: number) =>
      Array.from({ length: n }, () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return String.fromCharCode(33 + (seed % 90));
      }).join('');
    const rows = Array.from({ length: 20_000 }, (_, i) => row(i, noise(i === 0 ? 5_000 : 100)));
    const store = new MemoryFindingStore();

    // Act
    const fitted = fitInventoryRows(rows);
    await store.saveInventory({
      accountId: ACCOUNT,
      region: REGION,
      at: AT,
      runId: 'run-1',
      counts: {},
      rows,
    });

    // Assess
    expect(fitted.gzip.byteLength).toBeLessThanOrEqual(300_000);
    expect(fitted.rows.length).toBeGreaterThan(1_000);
    expect(fitted.rows.length).toBeLessThan(20_000);
    expect(fitted.total).toBe(20_000);
    expect(fitted.rows[0]?.name.length).toBeLessThanOrEqual(INVENTORY_FIELD_LENGTH);
    expect(fitted.rows[0]?.name).toMatch(/… \[\d+ more characters\]$/);
    expect(fitted.rows[1]).toEqual(rows[1]);
    const stored = await store.latestInventory(ACCOUNT, REGION);
    expect(stored?.rows).toEqual(fitted.rows);
    expect(stored?.rowsTotal).toBe(20_000);
  });

  it('keep every row when they fit', () => {
    const rows = [row(1), row(2)];
    const fitted = fitInventoryRows(rows);
    expect(fitted).toMatchObject({ rows, total: 2 });
  });
});
