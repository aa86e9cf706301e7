/** Builds a scan session and a plan from run options: shared by the `scan` and `inventory` commands. */
import { randomUUID } from 'node:crypto';
import { defaultAssumeRoleSettings } from '../aws/credentials.ts';
import { ScanSession } from '../aws/session.ts';
import type { Environment } from '../config/environment.ts';
import { type Plan, planTargets } from '../scan/plan.ts';
import type { RunOptions } from './options.ts';

export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomUUID().slice(0, 8)}`;
}

export async function openSession(
  options: RunOptions,
  env: Environment,
  runId: string,
): Promise<ScanSession> {
  return ScanSession.create({
    homeRegion: options.region,
    aws: {
      ...(env.endpoint ? { endpoint: env.endpoint } : {}),
      maxAttempts: options.performance.maxAttempts,
      retryMode: options.performance.retryMode,
    },
    assumeRole: {
      ...defaultAssumeRoleSettings,
      roleName: options.targets.roleName,
      ...(options.targets.externalId ? { externalId: options.targets.externalId } : {}),
      assumeRoleInCallerAccount: options.targets.assumeRoleInCallerAccount,
      sessionName: `estatescan-${runId}`,
    },
  });
}

export function plan(session: ScanSession, options: RunOptions): Promise<Plan> {
  return planTargets(session, {
    ...(options.targets.accounts ? { accounts: options.targets.accounts } : {}),
    excludeAccounts: options.targets.excludeAccounts,
    ...(options.targets.regions ? { regions: options.targets.regions } : {}),
    defaultRegion: options.region,
  });
}
