/**
 * Targets that cannot be scanned. A run that fails a target (its member role deleted, AssumeRole
 * denied, the scan failing after the state machine's retries) or cannot even list an account's
 * regions leaves that target's findings unchecked: the on-call must hear of it, once when it
 * starts and once when it clears, never on every run in between.
 *
 * So the store keeps one health item per target that failed (`TARGET-HEALTH` / `<account>#<region>`,
 * `*` for an account whose regions could not be listed), and each run's outcome moves it:
 *
 * | the item          | the run finds the target | the write (announced?)                              |
 * |-------------------|--------------------------|-----------------------------------------------------|
 * | none, recovered   | failed                   | `target-failing`, failing since this run (yes)       |
 * | failing           | failed                   | `still-failing`, its latest error (no)              |
 * | failing           | scanned (ok or partial)  | `target-recovered` (yes)                            |
 * | none, recovered   | scanned                  | nothing                                             |
 *
 * A target the run did not cover keeps its item as it is. Every write is conditional on the item
 * the run read, so two runs that overlap announce a change once; a run older than the item's last
 * write changes nothing. The announcements reach the alerts topic the way findings' changes do:
 * through the table's stream to the notifier (`stream.ts`), so a crash between the write and the
 * message loses nothing. A healthy run writes nothing here: O(failing targets) items per run.
 */
import type { CollectionError } from '../inventory/types.ts';

/** The region of an account-wide failure: its regions could not be listed, so it has no targets. */
export const ALL_REGIONS = '*';

export const targetHealthChanges = ['target-failing', 'still-failing', 'target-recovered'] as const;
export type TargetHealthChange = (typeof targetHealthChanges)[number];
/** The changes a message announces. */
export const announcedHealthChanges: ReadonlySet<TargetHealthChange> = new Set([
  'target-failing',
  'target-recovered',
]);

/** One target's health, as the store keeps it (only for targets that failed at least once). */
export interface TargetHealth {
  accountId: string;
  /** The region, or `*` (`ALL_REGIONS`) when the account's regions could not be listed. */
  region: string;
  status: 'failing' | 'recovered';
  /** When the run that found it failing first started, and that run. */
  failingSince: string;
  failingSinceRunId: string;
  /** The latest run that found it failing, when that run started, and what went wrong. */
  lastFailedAt: string;
  lastFailedRunId: string;
  error: CollectionError;
  /** Runs in a row that found it failing. */
  failedRuns: number;
  /** When the run that scanned it again started, and that run. */
  recoveredAt?: string;
  recoveredRunId?: string;
  /** What the latest write was about, and the run that made it (its start). */
  lastChange: TargetHealthChange;
  lastChangedRunId: string;
  lastChangedAt: string;
}

export interface TargetHealthWrite {
  health: TargetHealth;
  /** The item the run read, which the write must still find: none (`null`), or its status and writer. */
  expected: Pick<TargetHealth, 'status' | 'lastChangedRunId'> | null;
}

/** What a run tells about its targets: every target's outcome, and the accounts it could not plan. */
export interface RunHealthInput {
  runId: string;
  startedAt: string;
  targets: ReadonlyArray<{
    accountId: string;
    region: string;
    status: 'ok' | 'partial' | 'failed';
    errors: readonly CollectionError[];
  }>;
  planErrors: readonly CollectionError[];
}

export const healthKey = (accountId: string, region: string) => `${accountId}#${region}`;

/** Sources whose failure fails the whole target: the likeliest explanation of a failed target. */
const targetWideSources = new Set<CollectionError['source']>(['credentials', 'scan-target', 'store', 'plan']);

/** The longest error message a health item keeps (a caught Lambda error's cause can be 32 KB). */
const MAX_ERROR_MESSAGE = 2_000;

/** The error a failed target is announced with. */
function failureOf(accountId: string, region: string, errors: readonly CollectionError[]): CollectionError {
  const error = errors.find((e) => targetWideSources.has(e.source)) ??
    errors[0] ?? {
      accountId,
      region,
      source: 'scan-target',
      operation: 'scan',
      code: 'Failed',
      message: 'the target could not be scanned (no error was recorded)',
    };
  return error.message.length > MAX_ERROR_MESSAGE
    ? { ...error, message: `${error.message.slice(0, MAX_ERROR_MESSAGE - 1)}…` }
    : error;
}

/**
 * The writes a run's outcome makes to the targets' health (see the table above). Pure: `current`
 * is every health item the store holds.
 */
export function targetHealthWrites(
  run: RunHealthInput,
  current: readonly TargetHealth[],
): TargetHealthWrite[] {
  const byKey = new Map(current.map((h) => [healthKey(h.accountId, h.region), h]));
  const writes: TargetHealthWrite[] = [];
  const at = run.startedAt;

  const failed = (accountId: string, region: string, error: CollectionError) => {
    const before = byKey.get(healthKey(accountId, region));
    // A newer run wrote it already: this run's view is older than the item's.
    if (before && before.lastChangedAt > at) return;
    if (before?.status === 'failing') {
      if (before.lastFailedRunId === run.runId) return; // this run, applied again
      writes.push({
        health: {
          ...before,
          lastFailedAt: at,
          lastFailedRunId: run.runId,
          error,
          failedRuns: before.failedRuns + 1,
          lastChange: 'still-failing',
          lastChangedRunId: run.runId,
          lastChangedAt: at,
        },
        expected: { status: before.status, lastChangedRunId: before.lastChangedRunId },
      });
      return;
    }
    writes.push({
      health: {
        accountId,
        region,
        status: 'failing',
        failingSince: at,
        failingSinceRunId: run.runId,
        lastFailedAt: at,
        lastFailedRunId: run.runId,
        error,
        failedRuns: 1,
        lastChange: 'target-failing',
        lastChangedRunId: run.runId,
        lastChangedAt: at,
      },
      expected: before ? { status: before.status, lastChangedRunId: before.lastChangedRunId } : null,
    });
  };

  const scanned = (before: TargetHealth | undefined) => {
    if (before?.status !== 'failing' || before.lastChangedAt > at) return;
    writes.push({
      health: {
        ...before,
        status: 'recovered',
        recoveredAt: at,
        recoveredRunId: run.runId,
        lastChange: 'target-recovered',
        lastChangedRunId: run.runId,
        lastChangedAt: at,
      },
      expected: { status: before.status, lastChangedRunId: before.lastChangedRunId },
    });
  };

  const plannedAccounts = new Set<string>();
  for (const target of run.targets) {
    plannedAccounts.add(target.accountId);
    if (target.status === 'failed') {
      failed(target.accountId, target.region, failureOf(target.accountId, target.region, target.errors));
    } else {
      scanned(byKey.get(healthKey(target.accountId, target.region)));
    }
  }
  const unplanned = new Map<string, CollectionError>();
  for (const error of run.planErrors)
    if (!unplanned.has(error.accountId)) unplanned.set(error.accountId, error);
  for (const [accountId, error] of unplanned)
    failed(accountId, ALL_REGIONS, failureOf(accountId, ALL_REGIONS, [error]));
  // An account the run planned is listed again: its account-wide failure has cleared.
  for (const accountId of plannedAccounts) {
    if (!unplanned.has(accountId)) scanned(byKey.get(healthKey(accountId, ALL_REGIONS)));
  }
  return writes;
}

/** The store's side of the targets' health (the findings store implements it). */
export interface TargetHealthStore {
  /** Every health item (failing targets, and those recovered in the last weeks). */
  loadTargetHealth(): Promise<TargetHealth[]>;
  /** Writes one item if it is still as `expected`; answers whether it did. */
  writeTargetHealth(write: TargetHealthWrite): Promise<boolean>;
}

export interface TargetHealthOutcome {
  /** Targets that started failing with this run, that still fail, and that it scanned again. */
  failing: number;
  stillFailing: number;
  recovered: number;
  /** Writes another run made first (its announcement stands). */
  skipped: number;
}

/** Reads the targets' health, applies the run's outcome to it, and says what changed. */
export async function recordTargetHealth(
  store: TargetHealthStore,
  run: RunHealthInput,
): Promise<TargetHealthOutcome> {
  const outcome: TargetHealthOutcome = { failing: 0, stillFailing: 0, recovered: 0, skipped: 0 };
  const writes = targetHealthWrites(run, await store.loadTargetHealth());
  for (const write of writes) {
    if (!(await store.writeTargetHealth(write))) {
      outcome.skipped++;
      continue;
    }
    if (write.health.lastChange === 'target-failing') outcome.failing++;
    else if (write.health.lastChange === 'still-failing') outcome.stillFailing++;
    else outcome.recovered++;
  }
  return outcome;
}
