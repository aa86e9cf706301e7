import { createHash } from 'node:crypto';

/**
 * A finding's stable id: the same rule on the same resource in the same account and region is the
 * same finding in every scan, so its history (first seen, resolved, reopened) can be followed.
 */
export function findingId(ruleId: string, accountId: string, region: string, resourceId: string): string {
  return createHash('sha256')
    .update(`${ruleId}\u0000${accountId}\u0000${region}\u0000${resourceId}`)
    .digest('hex')
    .slice(0, 32);
}
