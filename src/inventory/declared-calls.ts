/**
 * The API calls a collector makes, declared next to it as CloudSploit's plugins declare their
 * `apis`: the operation, the sources it is made for, the page size it asks for, and what it is made
 * once for (a page, a batch, an item, a target, an account). The collectors read their page sizes
 * and operation names from these declarations, so a declaration cannot drift from the code; the
 * member role's actions (`src/scan/member-account-calls.ts`), the benchmark's minimum
 * (`bench/minimum.ts`) and its scale model (`bench/scale-model.ts`) are derived from them, and
 * test/integration/inventory/declared-calls.test.ts fails on a call made but not declared.
 */
import type { SourceId } from './types.ts';

/**
 * What one call is made for:
 * - `page`: one per page of `pageSize` (at least one, even when there is nothing to list);
 * - `batch`: one per `pageSize` items named in the request (none when there are none);
 * - `item`: one per item;
 * - `target`: one per account × region (when `of` is set, only in a target with at least one);
 * - `account`: one per account, shared by the account's regions.
 */
export type CallScale = 'page' | 'batch' | 'item' | 'target' | 'account';

/**
 * The things calls are counted in. A consumer that models a scan (the benchmark's minimum, the
 * scale model) says how many of each an estate holds.
 */
export type Counted =
  | 'vpc'
  | 'subnet'
  | 'flow log'
  | 'network interface'
  | 'instance'
  | 'image in use'
  | 'security group'
  | 'ecs cluster'
  | 'container instance'
  | 'ecs service'
  | 'task definition in use'
  | 'eks cluster'
  | 'node group'
  | 'fargate profile'
  | 'add-on'
  | 'add-on name'
  | 'repository'
  | 'public repository'
  | 'bucket'
  | 'bucket listed without its region'
  | 'managed instance'
  | 'outpost'
  | 'owned outpost';

/** One API call a collector makes, keyed as the call counter keys it (`src/aws/api-calls.ts`). */
export interface DeclaredCall {
  /** `<service>:<Operation>`, e.g. `ec2:DescribeInstances`; S3 Control's are `s3control:`. */
  operation: string;
  /** The snapshot sources it is made for: it is made when any of them is collected. */
  sources: readonly SourceId[];
  per: CallScale;
  /** What is paged, batched or counted; for a `target` call, what the target must hold. */
  of?: Counted;
  /** For calls repeated per parent (a cluster's container instances): the parent. */
  within?: Counted;
  /**
   * `page`: the MaxResults asked for, the API's largest (fewest calls); `batch`: the ids per
   * request, the API's limit. On other calls that page, the MaxResults asked for, one page assumed.
   */
  pageSize?: number;
  /** The smallest MaxResults the API accepts, for tests that ask for small pages (default 1). */
  minPageSize?: number;
  /** Made only for the inventory's fields no rule reads (`CollectorContext.details`). */
  details?: true;
  /** The only region the service has an endpoint in; elsewhere the call is not made. */
  region?: string;
}

/** A declaration that pages: what `pageSizeFor` needs. */
interface PagedCall {
  pageSize: number;
  minPageSize?: number;
}

/**
 * The page size a paginated call asks for: the declared one (the API's largest), or the smaller
 * one a test sets in `ctx.pageSize`, never below what the API accepts.
 */
export function pageSizeFor(ctx: { pageSize?: number }, call: PagedCall): number {
  return Math.min(call.pageSize, Math.max(call.minPageSize ?? 1, ctx.pageSize ?? call.pageSize));
}

/** Whether a call is made when these sources are collected (before `details` and `region`). */
export function isMadeFor(call: DeclaredCall, collected: ReadonlySet<SourceId>): boolean {
  return call.sources.some((s) => collected.has(s));
}

/**
 * The calls a declared call costs, given how many of its `of` things each scope holds: one number
 * per parent when the call is `within` one, else one per target. `page`, `batch` and `item` calls
 * are counted from those numbers; a `target` or `account` call is 1 per scope (a `target` call
 * with `of` only where there is one): the consumer passes one scope per target or per account.
 */
export function callsFor(call: DeclaredCall, counts: readonly number[]): number {
  const size = call.pageSize ?? 1;
  let total = 0;
  for (const n of counts) {
    if (call.per === 'page') total += Math.max(1, Math.ceil(n / size));
    else if (call.per === 'batch') total += Math.ceil(n / size);
    else if (call.per === 'item') total += n;
    else if (call.of === undefined || n > 0) total += 1;
  }
  return total;
}
