/**
 * The collector contract. A collector reads one service for one account × region and turns the
 * responses into snapshot items; it never throws for an AWS failure, it records it.
 */
import type { AccountClients } from '../aws/clients.ts';
import { errorCode, errorMessage } from '../aws/errors.ts';
import type { DeclaredCall } from './declared-calls.ts';
import type { CollectionError, SourceId, SourceResult, Sources } from './types.ts';

/** Work shared by every region of one account (S3 buckets are listed once per account). */
export class AccountScope {
  readonly #memo = new Map<string, Promise<unknown>>();

  once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let pending = this.#memo.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = fn();
      this.#memo.set(key, pending);
    }
    return pending;
  }
}

export interface CollectorContext {
  accountId: string;
  region: string;
  clients: AccountClients;
  /** Most per-item calls in flight at once within this target. */
  concurrency: number;
  account: AccountScope;
  /** Per-item failures (a field left undefined) are pushed here. */
  errors: CollectionError[];
  /**
   * Also read the per-item fields no rule reads, which only the inventory shows: a bucket's default
   * encryption, a repository's lifecycle policy and tags (three calls per bucket or repository
   * that a scan has no use for). Off, those fields stay undefined.
   */
  details?: boolean;
  /**
   * Page size for paginated calls; undefined uses each call's declared one, the API's maximum
   * (fewest calls). Tests set it small to make results span pages.
   */
  pageSize?: number;
}

export interface Collector {
  /** The service, e.g. `ec2`. */
  name: string;
  /** The sources it can produce. */
  produces: readonly SourceId[];
  /**
   * Every API call it makes (`declared-calls.ts`); the collector reads its page sizes and operation
   * names from these, and a test fails on a call it makes without declaring it.
   */
  calls: readonly DeclaredCall[];
  /** Collects the wanted sources among those it produces (and what they depend on). */
  collect(ctx: CollectorContext, wanted: ReadonlySet<SourceId>): Promise<Sources>;
}

export function collectionError(
  ctx: Pick<CollectorContext, 'accountId' | 'region'>,
  source: CollectionError['source'],
  operation: string,
  error: unknown,
  resourceId?: string,
): CollectionError {
  return {
    accountId: ctx.accountId,
    region: ctx.region,
    source,
    operation,
    code: errorCode(error),
    message: errorMessage(error),
    ...(resourceId ? { resourceId } : {}),
  };
}

/** Runs a source's calls; any failure becomes the source's error, tagged with the failing operation. */
export async function readSource<T>(
  ctx: Pick<CollectorContext, 'accountId' | 'region'>,
  source: SourceId,
  operation: string,
  fn: (setOperation: (op: string) => void) => Promise<T[]>,
): Promise<SourceResult<T>> {
  let current = operation;
  try {
    const items = await fn((op) => {
      current = op;
    });
    return { ok: true, items };
  } catch (error) {
    return { ok: false, error: collectionError(ctx, source, current, error) };
  }
}

/**
 * A per-item call whose failure leaves one field unknown: the error is recorded and `undefined`
 * returned, and the item stays in the inventory.
 */
export async function readField<T>(
  ctx: CollectorContext,
  source: SourceId,
  operation: string,
  resourceId: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    ctx.errors.push(collectionError(ctx, source, operation, error, resourceId));
    return undefined;
  }
}

export function tagsOf(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key) out[tag.Key] = tag.Value ?? '';
  return out;
}

export function iso(date: Date | string | undefined): string | undefined {
  if (date === undefined) return undefined;
  return typeof date === 'string' ? date : date.toISOString();
}
