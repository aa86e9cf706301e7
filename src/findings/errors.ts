import { EstatescanError } from '../errors.ts';

/**
 * Another run wrote this target's findings or state between the time this run read them and the
 * time it wrote (a scheduled run and a console invoke on the same account and region). Nothing it
 * wrote is announced twice: the caller reloads the target and reconciles again.
 */
export class ConcurrentUpdateError extends EstatescanError {
  override name = 'ConcurrentUpdateError';
  constructor(
    readonly accountId: string,
    readonly region: string,
    /** Finding ids this attempt wrote before it found out (their changes stand). */
    readonly applied: readonly string[],
  ) {
    super(
      `Another run updated ${accountId} ${region} while this one was writing it; reconciling again with what it wrote.`,
    );
  }
}

/** What the store writes, one kind per item shape (see the table in `dynamodb-store.ts`). */
export type StoreItemKind =
  | 'finding'
  | 'event'
  | 'target-state'
  | 'inventory'
  | 'run'
  | 'run-plan'
  | 'run-target'
  | 'target-health';

/**
 * An item the store was about to write is over its size budget (`ITEM_SIZE_BUDGET`, below
 * DynamoDB's 400 KB): it was not sent, and nothing else of the target was written with it. Retrying
 * cannot help; the finding budgets (`budget.ts`) should have prevented it, so it is a bug to report.
 */
export class ItemTooLargeError extends EstatescanError {
  override name = 'ItemTooLargeError';
  readonly accountId: string | undefined;
  readonly region: string | undefined;
  readonly runId: string | undefined;
  constructor(
    readonly itemKind: StoreItemKind,
    /** The item's sort key (`FINDING#<id>`, `STATE`…). */
    readonly key: string,
    /** Its size as DynamoDB counts it (names and values), in bytes. */
    readonly size: number,
    readonly limit: number,
    where: { accountId?: string; region?: string; runId?: string },
  ) {
    const whose = where.accountId
      ? `of ${where.accountId} ${where.region ?? ''}`.trimEnd()
      : `of run ${where.runId ?? '?'}`;
    super(
      `The ${itemKind} item ${key} ${whose} would be ${size} bytes, over the ${limit}-byte budget of a ` +
        'findings-table item (DynamoDB refuses items over 400 KB): it was not written, nor anything else of ' +
        'this target with it. Retrying will not help; report it with the rule and resource (the finding ' +
        'budgets should have kept it small).',
    );
    this.accountId = where.accountId;
    this.region = where.region;
    this.runId = where.runId;
  }
}

/**
 * A write that fails the same way however often it is retried: an item over the budget, or one
 * DynamoDB refused as invalid (`ValidationException`, e.g. its own item-size check).
 */
export function isPermanentWriteError(error: unknown): boolean {
  return error instanceof ItemTooLargeError || (error as { name?: unknown })?.name === 'ValidationException';
}
