/** Builds a scan session and a plan from run options: shared by the `scan` and `inventory` commands. */
import { ScanSession } from '../aws/session.ts';
import type { Environment } from '../config/environment.ts';
import { type Plan, planTargets } from '../scan/plan.ts';
import { planRequest, sessionSettings } from '../scan/run-settings.ts';
import type { RunOptions } from './options.ts';

export { newRunId } from '../scan/run-id.ts';

export async function openSession(
  options: RunOptions,
  env: Environment,
  runId: string,
): Promise<ScanSession> {
  return ScanSession.create(
    sessionSettings({
      homeRegion: options.region,
      ...(env.endpoint ? { endpoint: env.endpoint } : {}),
      targets: options.targets,
      performance: options.performance,
      runId,
    }),
  );
}

export function plan(session: ScanSession, options: RunOptions): Promise<Plan> {
  return planTargets(session, planRequest(options.targets, options.region));
}
