/**
 * The calls the collectors make against the calls they declare (`Collector.calls`), on the demo
 * estate: collecting one source at a time, every call counted must be declared for that source or
 * one it depends on, and every call declared for them must be made. The member role, the
 * benchmark's minimum and its scale model are derived from the declarations, so a call made but not
 * declared (or declared for the wrong source) fails here before it can go missing from any of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { ApiCallCounter, type OperationCount } from '../../../src/aws/api-calls.ts';
import { requiredSources } from '../../../src/engine/evaluate.ts';
import { closeOver, collectors } from '../../../src/inventory/collect.ts';
import { type DeclaredCall, isMadeFor } from '../../../src/inventory/declared-calls.ts';
import { type SourceId, sourceIds } from '../../../src/inventory/types.ts';
import { collectTargets } from '../../../src/scan/run-inventory.ts';
import {
  demoAccounts,
  demoSession,
  demoTargets,
  hubOperations,
  prepareDemoEstate,
  releaseDemoEstate,
} from '../../support/demo-estate.ts';

const declared: readonly DeclaredCall[] = collectors.flatMap((c) => c.calls);

interface Run {
  /** The sources collected: those asked for and what they depend on. */
  collected: ReadonlySet<SourceId>;
  details: boolean;
  /** Calls per operation, the hub's own left out. */
  counts: Record<string, OperationCount>;
}

/** Collects `wanted` over every demo target through a fresh, counting session. */
async function collect(wanted: ReadonlySet<SourceId>, details: boolean): Promise<Run> {
  const counter = new ApiCallCounter();
  const session = await demoSession(counter, 'declared-calls');
  await collectTargets(session, {
    targets: demoTargets,
    wanted,
    details,
    targetConcurrency: demoTargets.length,
    itemConcurrency: 4,
    now: () => new Date(),
  });
  session.destroy();
  const counts = Object.fromEntries(
    Object.entries(counter.snapshot()).filter(([operation]) => !hubOperations.has(operation)),
  );
  return { collected: closeOver(wanted), details, counts };
}

/** The operations declared for a run: made for a source it collects, and for the inventory only if asked. */
function declaredFor(run: Run): Set<string> {
  return new Set(
    declared
      .filter((call) => isMadeFor(call, run.collected) && (run.details || !call.details))
      .map((call) => call.operation),
  );
}

describe('the calls the collectors make, against the calls they declare (demo estate)', () => {
  const bySource = new Map<SourceId, Run>();
  let scan: Run;

  beforeAll(async () => {
    // Prepare: the demo estate, with moto's missing list calls answered so that what follows them
    // is called too.
    await prepareDemoEstate();

    // Act: each source alone, with the inventory-only fields; then what a scan collects, without.
    for (const source of sourceIds) bySource.set(source, await collect(new Set([source]), true));
    scan = await collect(requiredSources(allRules), false);
  }, 300_000);

  afterAll(() => {
    releaseDemoEstate();
  });

  it.each(sourceIds)('collecting %s makes only calls declared for it or what it depends on', (source) => {
    // Prepare
    const run = bySource.get(source)!;
    const allowed = declaredFor(run);

    // Act
    const undeclared = Object.keys(run.counts).filter((operation) => !allowed.has(operation));

    // Assess
    expect(undeclared).toEqual([]);
  });

  it.each(sourceIds)('collecting %s makes every call declared for it or what it depends on', (source) => {
    // Prepare
    const run = bySource.get(source)!;

    // Act
    const neverMade = [...declaredFor(run)].filter((operation) => !run.counts[operation]);

    // Assess
    expect(neverMade).toEqual([]);
  });

  it("a scan makes exactly the calls declared for its rules' sources, none of the inventory-only ones", () => {
    // Prepare
    const expected = [...declaredFor(scan)].sort();
    const inventoryOnly = declared.filter((call) => call.details).map((call) => call.operation);

    // Assess
    expect(Object.keys(scan.counts).sort()).toEqual(expected);
    expect(inventoryOnly.filter((operation) => scan.counts[operation])).toEqual([]);
  });

  it('makes a per-account call at most once per account and a per-target call at most once per target', () => {
    // Prepare
    const limit = { account: demoAccounts.length, target: demoTargets.length } as const;

    // Act: the largest count of each such call over every run.
    const over = declared.flatMap((call) => {
      if (call.per !== 'account' && call.per !== 'target') return [];
      const most = Math.max(...[...bySource.values()].map((run) => run.counts[call.operation]?.calls ?? 0));
      return most > limit[call.per] ? [`${call.operation}: ${most} calls, at most ${limit[call.per]}`] : [];
    });

    // Assess
    expect(over).toEqual([]);
  });
});
