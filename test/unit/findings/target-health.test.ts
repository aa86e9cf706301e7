import { describe, expect, it } from 'vitest';
import { MemoryFindingStore } from '../../../src/findings/store.ts';
import {
  ALL_REGIONS,
  type RunHealthInput,
  recordTargetHealth,
  type TargetHealth,
  targetHealthWrites,
} from '../../../src/findings/target-health.ts';
import type { CollectionError } from '../../../src/inventory/types.ts';

const ACCOUNT = '111111111111';
const OTHER = '222222222222';

const denied = (accountId = ACCOUNT, region = 'eu-west-1'): CollectionError => ({
  accountId,
  region,
  source: 'credentials',
  operation: 'sts:AssumeRole',
  code: 'AccessDenied',
  message: 'not authorized to perform sts:AssumeRole',
});

/** A run at `hour` o'clock on 2026-11-25, its targets as given. */
function run(
  hour: number,
  targets: RunHealthInput['targets'],
  planErrors: CollectionError[] = [],
): RunHealthInput {
  const h = String(hour).padStart(2, '0');
  return { runId: `run-${h}`, startedAt: `2026-11-25T${h}:00:00.000Z`, targets, planErrors };
}

const ok = (accountId = ACCOUNT, region = 'eu-west-1') =>
  ({ accountId, region, status: 'ok', errors: [] }) as const;
const partial = (accountId = ACCOUNT, region = 'eu-west-1') =>
  ({
    accountId,
    region,
    status: 'partial',
    errors: [{ ...denied(accountId, region), source: 'ssm.managedInstances' as const }],
  }) as const;
const failed = (accountId = ACCOUNT, region = 'eu-west-1', errors = [denied(accountId, region)]) =>
  ({ accountId, region, status: 'failed', errors }) as const;

/** Applies runs one after the other to a memory store; answers the writes of each. */
async function apply(store: MemoryFindingStore, ...runs: RunHealthInput[]) {
  const changes: string[][] = [];
  for (const r of runs) {
    const writes = targetHealthWrites(r, await store.loadTargetHealth());
    for (const w of writes) await store.writeTargetHealth(w);
    changes.push(writes.map((w) => `${w.health.lastChange} ${w.health.accountId} ${w.health.region}`));
  }
  return changes;
}

describe('targetHealthWrites: a target that cannot be scanned, once when it starts and once when it clears', () => {
  it('writes nothing for a run whose targets are all scanned (no health items to move)', () => {
    // Act
    const writes = targetHealthWrites(run(0, [ok(), partial(OTHER)]), []);

    // Assess
    expect(writes).toEqual([]);
  });

  it('starts failing with the first failed run: since then, with its error, expecting no item', () => {
    // Act
    const writes = targetHealthWrites(run(6, [failed()]), []);

    // Assess
    expect(writes).toEqual([
      {
        expected: null,
        health: {
          accountId: ACCOUNT,
          region: 'eu-west-1',
          status: 'failing',
          failingSince: '2026-11-25T06:00:00.000Z',
          failingSinceRunId: 'run-06',
          lastFailedAt: '2026-11-25T06:00:00.000Z',
          lastFailedRunId: 'run-06',
          error: denied(),
          failedRuns: 1,
          lastChange: 'target-failing',
          lastChangedRunId: 'run-06',
          lastChangedAt: '2026-11-25T06:00:00.000Z',
        },
      },
    ]);
  });

  it('announces the start once and the recovery once, across runs that fail, fail again, then scan it', async () => {
    // Prepare
    const store = new MemoryFindingStore();

    // Act
    const changes = await apply(
      store,
      run(0, [ok()]),
      run(6, [failed()]),
      run(12, [failed()]),
      run(18, [partial()]),
      run(23, [ok()]),
    );

    // Assess
    expect(changes).toEqual([
      [],
      [`target-failing ${ACCOUNT} eu-west-1`],
      [`still-failing ${ACCOUNT} eu-west-1`],
      [`target-recovered ${ACCOUNT} eu-west-1`],
      [],
    ]);
    expect(await store.loadTargetHealth()).toEqual([
      expect.objectContaining({
        status: 'recovered',
        failingSince: '2026-11-25T06:00:00.000Z',
        failedRuns: 2,
        recoveredAt: '2026-11-25T18:00:00.000Z',
        recoveredRunId: 'run-18',
      }),
    ]);
  });

  it('starts a new spell when a recovered target fails again', async () => {
    // Prepare
    const store = new MemoryFindingStore();
    await apply(store, run(1, [failed()]), run(2, [ok()]));

    // Act
    const [changes] = await apply(store, run(3, [failed()]));

    // Assess
    expect(changes).toEqual([`target-failing ${ACCOUNT} eu-west-1`]);
    expect(await store.loadTargetHealth()).toEqual([
      expect.objectContaining({ status: 'failing', failingSince: '2026-11-25T03:00:00.000Z', failedRuns: 1 }),
    ]);
  });

  it('leaves a target the run did not cover as it is (an on-demand run of another account)', async () => {
    // Prepare
    const store = new MemoryFindingStore();
    await apply(store, run(1, [failed(), ok(OTHER)]));

    // Act
    const [changes] = await apply(store, run(2, [ok(OTHER)]));

    // Assess
    expect(changes).toEqual([]);
    expect((await store.loadTargetHealth()).map((h) => h.status)).toEqual(['failing']);
  });

  it('records an account whose regions could not be listed as failing in every region (*), until it is planned again', async () => {
    // Prepare
    const store = new MemoryFindingStore();
    const planError: CollectionError = { ...denied(), source: 'plan', operation: 'ec2:DescribeRegions' };

    // Act
    const changes = await apply(
      store,
      run(1, [ok(OTHER)], [planError, { ...planError, message: 'the same account again' }]),
      run(2, [ok(OTHER)], [planError]),
      run(3, [ok(), partial(ACCOUNT, 'us-east-1'), ok(OTHER)]),
    );

    // Assess
    expect(changes).toEqual([
      [`target-failing ${ACCOUNT} ${ALL_REGIONS}`],
      [`still-failing ${ACCOUNT} ${ALL_REGIONS}`],
      [`target-recovered ${ACCOUNT} ${ALL_REGIONS}`],
    ]);
  });

  it('changes nothing for a run older than the item it would replace (runs that overlap)', async () => {
    // Prepare: the 12:00 run already found it failing
    const store = new MemoryFindingStore();
    await apply(store, run(12, [failed()]));

    // Act: the 06:00 run, which saw it scanned, is summarized late
    const [changes] = await apply(store, run(6, [ok()]));

    // Assess
    expect(changes).toEqual([]);
  });

  it('is idempotent: a run applied again writes nothing more', async () => {
    // Prepare
    const store = new MemoryFindingStore();
    await apply(store, run(1, [failed()]));

    // Act
    const [changes] = await apply(store, run(1, [failed()]));

    // Assess
    expect(changes).toEqual([]);
  });

  it('announces the error that failed the whole target, cut to a bounded length', () => {
    // Prepare
    const collection: CollectionError = {
      ...denied(),
      source: 'ec2.instances',
      operation: 'ec2:DescribeInstances',
    };
    const caught: CollectionError = {
      ...denied(),
      source: 'scan-target',
      operation: 'lambda:Invoke',
      code: 'States.Timeout',
      message: 'x'.repeat(40_000),
    };

    // Act
    const [write] = targetHealthWrites(run(1, [failed(ACCOUNT, 'eu-west-1', [collection, caught])]), []);

    // Assess
    expect(write?.health.error.code).toBe('States.Timeout');
    expect(write?.health.error.message.length).toBeLessThanOrEqual(2_000);
  });

  it('says so when a failed target recorded no error', () => {
    // Act
    const [write] = targetHealthWrites(run(1, [failed(ACCOUNT, 'eu-west-1', [])]), []);

    // Assess
    expect(write?.health.error).toMatchObject({
      code: 'Failed',
      message: expect.stringContaining('no error'),
    });
  });
});

describe('recordTargetHealth', () => {
  it('counts what changed, and skips a write another run made first (its announcement stands)', async () => {
    // Prepare: a store where another summarize writes between this one's read and its write
    const store = new MemoryFindingStore();
    const racing = Object.assign(Object.create(store) as MemoryFindingStore, {
      loadTargetHealth: async (): Promise<TargetHealth[]> => {
        const current = await store.loadTargetHealth();
        await apply(store, run(5, [failed(OTHER)]));
        return current;
      },
    });

    // Act
    const outcome = await recordTargetHealth(racing, run(6, [failed(), failed(OTHER)]));

    // Assess
    expect(outcome).toEqual({ failing: 1, stillFailing: 0, recovered: 0, skipped: 1 });
    expect((await store.loadTargetHealth()).map((h) => [h.accountId, h.failingSince])).toEqual([
      [OTHER, '2026-11-25T05:00:00.000Z'],
      [ACCOUNT, '2026-11-25T06:00:00.000Z'],
    ]);
  });
});
