/**
 * Collects the snapshots of many targets with a bounded pool: the CLI's in-process equivalent of
 * the Step Functions Distributed Map. A target that fails is recorded, never dropped.
 */
import { errorCode, errorMessage } from '../aws/errors.ts';
import type { ScanSession } from '../aws/session.ts';
import { collectSnapshot } from '../inventory/collect.ts';
import { AccountScope } from '../inventory/collector.ts';
import { mapWithConcurrency } from '../inventory/concurrency.ts';
import type { CollectionError, Snapshot, SourceId, Target } from '../inventory/types.ts';

export type TargetOutcome = 'ok' | 'partial' | 'failed';

export interface TargetResult extends Target {
  status: TargetOutcome;
  /** Undefined when the target could not be reached at all. */
  snapshot?: Snapshot;
  errors: CollectionError[];
  durationMs: number;
}

export interface InventoryOptions {
  targets: Target[];
  wanted: ReadonlySet<SourceId>;
  /** Also read the fields only the inventory shows (`CollectorContext.details`). */
  details?: boolean;
  /** Targets collected at once. */
  targetConcurrency: number;
  /** Per-item calls in flight at once within a target. */
  itemConcurrency: number;
  now: () => Date;
  onTargetDone?: (result: TargetResult, done: number, total: number) => void;
}

export async function collectTargets(
  session: ScanSession,
  options: InventoryOptions,
): Promise<TargetResult[]> {
  const scopes = new Map<string, AccountScope>();
  const access = new Map<string, Promise<CollectionError | undefined>>();
  let done = 0;

  const checkAccess = (target: Target) => {
    let pending = access.get(target.accountId);
    if (!pending) {
      pending = session.checkAccess(target.accountId).then(
        () => undefined,
        (error: unknown): CollectionError => ({
          accountId: target.accountId,
          region: target.region,
          source: 'credentials',
          operation: 'sts:AssumeRole',
          code: errorCode((error as { cause?: unknown }).cause ?? error),
          message: errorMessage(error),
        }),
      );
      access.set(target.accountId, pending);
    }
    return pending;
  };

  return mapWithConcurrency(options.targets, options.targetConcurrency, async (target) => {
    const started = Date.now();
    const denied = await checkAccess(target);
    let result: TargetResult;
    if (denied) {
      result = { ...target, status: 'failed', errors: [{ ...denied, region: target.region }], durationMs: 0 };
    } else {
      let scope = scopes.get(target.accountId);
      if (!scope) {
        scope = new AccountScope();
        scopes.set(target.accountId, scope);
      }
      const snapshot = await collectSnapshot(
        {
          accountId: target.accountId,
          region: target.region,
          clients: session.account(target.accountId),
          concurrency: options.itemConcurrency,
          account: scope,
          errors: [],
          ...(options.details ? { details: true } : {}),
        },
        options.wanted,
        options.now(),
      );
      result = {
        ...target,
        status: targetOutcome(snapshot),
        snapshot,
        errors: snapshot.errors,
        durationMs: Date.now() - started,
      };
    }
    done++;
    options.onTargetDone?.(result, done, options.targets.length);
    return result;
  });
}

/** `failed` when no source could be read, `partial` when some could not, else `ok`. */
export function targetOutcome(snapshot: Snapshot): TargetOutcome {
  const results = Object.values(snapshot.sources);
  if (results.length > 0 && results.every((r) => r && !r.ok)) return 'failed';
  return snapshot.errors.length > 0 ? 'partial' : 'ok';
}
