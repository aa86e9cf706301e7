/**
 * Target planning: which accounts × regions a run scans. Accounts come from a list or from AWS
 * Organizations (ACTIVE only); regions from a list or `all` (the regions each account has enabled).
 */
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { errorCode, errorMessage } from '../aws/errors.ts';
import type { ScanSession } from '../aws/session.ts';
import { EstatescanError } from '../errors.ts';
import { mapWithConcurrency } from '../inventory/concurrency.ts';
import type { DeclaredCall } from '../inventory/declared-calls.ts';
import type { CollectionError, Target } from '../inventory/types.ts';

export class PlanError extends EstatescanError {
  override name = 'PlanError';
}

export interface PlanRequest {
  /** Explicit account ids, `organization`, or undefined for the caller's own account. */
  accounts?: string[] | 'organization';
  excludeAccounts?: string[];
  /** Explicit regions, `all`, or undefined for the default region. */
  regions?: string[] | 'all';
  defaultRegion: string;
}

export interface Plan {
  targets: Target[];
  /** Accounts whose regions could not be listed (their targets are missing from `targets`). */
  errors: CollectionError[];
}

/** Members of the organization, ACTIVE only. Needs organizations:ListAccounts in the hub account. */
export async function organizationAccounts(session: ScanSession): Promise<string[]> {
  const client = session.hub.get(OrganizationsClient, session.settings.homeRegion);
  const ids: string[] = [];
  try {
    for await (const page of paginateListAccounts({ client }, {})) {
      for (const account of page.Accounts ?? []) {
        // `State` replaces the deprecated `Status`; accept either.
        const state = (account as { State?: string }).State ?? account.Status;
        if (account.Id && state === 'ACTIVE') ids.push(account.Id);
      }
    }
  } catch (error) {
    throw new PlanError(
      `Could not list the organization's accounts (organizations:ListAccounts: ${errorCode(error)}). ` +
        'Run from the management account or a delegated administrator, or pass --accounts.',
      { cause: error },
    );
  }
  return ids;
}

/**
 * The call the planner makes in a member account, through the member role: its regions, for
 * `regions: all` (declared as the collectors declare theirs; see `member-account-calls.ts`).
 */
export const planCalls = {
  describeRegions: { operation: 'ec2:DescribeRegions', per: 'account' },
} as const satisfies Record<string, Pick<DeclaredCall, 'operation' | 'per'>>;

const enabledOptInStatuses = new Set(['opt-in-not-required', 'opted-in']);

/** The regions an account has enabled. Filtered here: the emulator ignores DescribeRegions filters. */
export async function enabledRegions(session: ScanSession, accountId: string): Promise<string[]> {
  const client = session.account(accountId).get(EC2Client, session.settings.homeRegion);
  const response = await client.send(new DescribeRegionsCommand({ AllRegions: true }));
  return (response.Regions ?? [])
    .filter((r) => r.RegionName && (!r.OptInStatus || enabledOptInStatuses.has(r.OptInStatus)))
    .map((r) => r.RegionName as string)
    .sort();
}

/**
 * Accounts whose regions are listed at once: a thousand accounts (an AssumeRole and a
 * DescribeRegions each) one after the other would take minutes of the plan's time.
 */
export const PLAN_CONCURRENCY = 8;

export async function planTargets(
  session: ScanSession,
  request: PlanRequest,
  concurrency = PLAN_CONCURRENCY,
): Promise<Plan> {
  const accounts =
    request.accounts === 'organization'
      ? await organizationAccounts(session)
      : (request.accounts ?? [session.callerAccountId]);
  const excluded = new Set(request.excludeAccounts ?? []);
  const chosen = [...new Set(accounts)].filter((a) => !excluded.has(a));
  // In the accounts' order, whatever order the answers come in.
  const planned = await mapWithConcurrency(
    chosen,
    request.regions === 'all' ? concurrency : 1,
    async (accountId): Promise<{ regions: string[]; error?: CollectionError }> => {
      if (request.regions !== 'all') return { regions: request.regions ?? [request.defaultRegion] };
      try {
        return { regions: await enabledRegions(session, accountId) };
      } catch (error) {
        return {
          regions: [],
          error: {
            accountId,
            region: session.settings.homeRegion,
            source: 'plan',
            operation: planCalls.describeRegions.operation,
            code: errorCode(error),
            message: errorMessage(error),
          },
        };
      }
    },
  );
  const targets: Target[] = [];
  const errors: CollectionError[] = [];
  planned.forEach(({ regions, error }, i) => {
    const accountId = chosen[i] as string;
    for (const region of regions) targets.push({ accountId, region });
    if (error) errors.push(error);
  });
  return { targets, errors };
}
