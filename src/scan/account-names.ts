/**
 * Account names for reports, from AWS Organizations (`organizations:ListAccounts` in the hub: the
 * management account or a delegated administrator may call it). A caller that may not, or an
 * account outside any organization, is not an error: reports show such accounts by their id.
 */
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { errorCode } from '../aws/errors.ts';
import type { ScanSession } from '../aws/session.ts';
import type { AccountInfo } from '../report/types.ts';

export interface AccountDirectory {
  accounts: Record<string, AccountInfo>;
  /** Why no names could be read (`organizations:ListAccounts: AccessDeniedException`), if so. */
  unavailable?: string;
}

/** `arn:aws:organizations::111111111111:account/o-abc123defg/222222222222` → `o-abc123defg`. */
export function organizationIdOf(accountArn: string | undefined): string | undefined {
  return accountArn ? /:account\/(o-[a-z0-9]+)\//.exec(accountArn)?.[1] : undefined;
}

export async function accountDirectory(
  session: ScanSession,
  accountIds: readonly string[],
): Promise<AccountDirectory> {
  const wanted = new Set(accountIds);
  const accounts: Record<string, AccountInfo> = {};
  if (!wanted.size) return { accounts };
  const client = session.hub.get(OrganizationsClient, session.settings.homeRegion);
  try {
    for await (const page of paginateListAccounts({ client }, {})) {
      for (const account of page.Accounts ?? []) {
        if (!account.Id || !wanted.has(account.Id) || !account.Name) continue;
        const organizationId = organizationIdOf(account.Arn);
        accounts[account.Id] = { name: account.Name, ...(organizationId ? { organizationId } : {}) };
      }
    }
  } catch (error) {
    return { accounts: {}, unavailable: `organizations:ListAccounts: ${errorCode(error)}` };
  }
  return { accounts };
}
