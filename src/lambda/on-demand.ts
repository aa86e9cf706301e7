/**
 * The on-demand scan, from the Lambda console: a small request is scanned inline and answered with
 * its summary and findings; a large one starts the state machine with the schedule's input shape
 * and is answered with the execution's ARN.
 *
 * The changes an inline scan writes reach the notifier through the table's stream, like the
 * schedule's. `notify: false` and `dryRun: true` are carried by the run id (see run-id.ts), which
 * every step and every written item carries: the notifier skips quiet runs, and a dry run writes no
 * findings, target states, inventory or run summary in any step. (In the state machine, its plan
 * and each target's outcome are still written as the run's own `RUN#<id>` items, which expire:
 * that is how the outcomes reach summarize, whose digest is the execution's output.)
 *
 * A large request is handed to the state machine exactly as the schedule starts it: the plan's
 * input (`{ runId, accounts, regions, rules }`, see `planEventSchema`), so the run is planned again
 * there, its targets written to the runs bucket and read by the Distributed Map.
 *
 * A request narrows the deployment's targets, never widens them: accounts outside them are refused
 * before any is touched (see `refuseAccountsOutsideTargets`).
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ScanSession } from '../aws/session.ts';
import { ConfigurationError } from '../config/errors.ts';
import type { TargetSettings } from '../config/settings.ts';
import type { Rule } from '../engine/types.ts';
import { EstatescanError } from '../errors.ts';
import type { FindingChange } from '../findings/changes.ts';
import { recordTargetHealth } from '../findings/target-health.ts';
import type { Finding, Severity } from '../findings/types.ts';
import type { CollectionError } from '../inventory/types.ts';
import { organizationAccounts, planTargets } from '../scan/plan.ts';
import { newRunId, type RunMode } from '../scan/run-id.ts';
import { enabledRules, planRequest, requestedTargets, ruleOptions } from '../scan/run-settings.ts';
import { type RunDigest, summarizeRun } from '../scan/run-summary.ts';
import { scanTargets } from '../scan/target-scan.ts';
import { InvalidEventError } from './errors.ts';
import type { OnDemandEvent, PlanEvent } from './events.ts';
import { appendRunKeys, logger } from './logger.ts';
import { configForRun } from './run-config.ts';
import { publishRunMetrics, publishTargetHealthMetrics } from './run-metrics.ts';
import type { ScanDependencies } from './wiring/scan.ts';

/** A change as the response lists it: what happened to which finding. */
export interface ChangeLine {
  kind: FindingChange['kind'];
  severity: Severity;
  previousSeverity?: Severity;
  ruleId: string;
  accountId: string;
  region: string;
  resourceId: string;
  findingId: string;
  message: string;
}

export interface InlineScanResponse {
  runId: string;
  /** `normal`: changes are announced; `quiet`: recorded only; `dry-run`: nothing written. */
  mode: RunMode;
  summary: RunDigest;
  findings: Finding[];
  changes: ChangeLine[];
  errors: CollectionError[];
}

export interface StartedScanResponse {
  runId: string;
  mode: RunMode;
  executionArn: string;
  /** Targets the request covers (the state machine plans them again). */
  targets: number;
}

export type OnDemandResponse = InlineScanResponse | StartedScanResponse;

function modeOf(request: OnDemandEvent): RunMode {
  if (request.dryRun) return 'dry-run';
  return request.notify === false ? 'quiet' : 'normal';
}

export async function runOnDemand(
  request: OnDemandEvent,
  deps: ScanDependencies,
  rules: readonly Rule[],
): Promise<OnDemandResponse> {
  const started = deps.now();
  const mode = modeOf(request);
  const runId = newRunId(started, mode);
  appendRunKeys({ runId });
  const { config } = await configForRun(deps, rules, { runId, startedAt: started.toISOString(), mode });
  const selected = enabledRules(rules, config, request.rules);
  const session = await deps.openSession(runId);
  try {
    await refuseAccountsOutsideTargets(request, deps.env.targets, session);
    const plan = await planTargets(
      session,
      planRequest(requestedTargets(deps.env.targets, request), deps.region()),
    );
    logger.info('On-demand scan planned', {
      mode,
      targets: plan.targets.length,
      inlineTargetLimit: deps.env.inlineTargetLimit,
    });
    if (plan.targets.length > deps.env.inlineTargetLimit) {
      return await startStateMachine(request, deps, { runId, mode, targets: plan.targets.length });
    }
    const store = mode === 'dry-run' ? undefined : deps.store();
    const scan = await scanTargets(session, plan.targets, {
      runId,
      startedAt: started.toISOString(),
      planErrors: plan.errors,
      rules: selected,
      ruleOptions: ruleOptions(config),
      targetConcurrency: deps.env.performance.targetConcurrency,
      itemConcurrency: deps.env.performance.itemConcurrency,
      now: deps.now,
      ...(store ? { store } : {}),
      securityHub: deps.env.securityHub && store !== undefined,
    });
    const { calls, attempts, throttled } = session.counter.totals();
    const { record, digest } = summarizeRun({
      runId,
      startedAt: started.toISOString(),
      finishedAt: deps.now().toISOString(),
      planErrors: plan.errors,
      results: scan.reports,
      apiCalls: { calls, attempts, throttled },
    });
    if (store) {
      await store.recordRun(record);
      publishRunMetrics(digest);
    }
    // As summarize does for the state machine's runs: a target that cannot be scanned is announced
    // once (a quiet run leaves the announcement to the next run that announces its changes).
    if (store && mode === 'normal') {
      publishTargetHealthMetrics(
        await recordTargetHealth(store, {
          runId,
          startedAt: record.startedAt,
          targets: record.targets,
          planErrors: record.planErrors ?? [],
        }),
      );
    }
    logger.info('On-demand scan finished', { ...digest, mode });
    return {
      runId,
      mode,
      summary: digest,
      findings: scan.report.findings,
      changes: scan.changes.map(changeLine),
      errors: scan.report.errors,
    };
  } finally {
    session.destroy();
  }
}

async function startStateMachine(
  request: OnDemandEvent,
  deps: ScanDependencies,
  run: { runId: string; mode: RunMode; targets: number },
): Promise<StartedScanResponse> {
  const stateMachineArn = deps.env.stateMachineArn;
  if (!stateMachineArn) {
    throw new ConfigurationError(
      `This request covers ${run.targets} targets, more than the ${deps.env.inlineTargetLimit} scanned inline ` +
        '(INLINE_TARGET_LIMIT), and STATE_MACHINE_ARN is not set, so it cannot be handed to the state ' +
        'machine. Narrow "accounts" or "regions", or set STATE_MACHINE_ARN.',
    );
  }
  // The schedule's input shape, with this run's id (which carries its mode).
  const input: PlanEvent = {
    runId: run.runId,
    ...(request.accounts ? { accounts: request.accounts } : {}),
    ...(request.regions ? { regions: request.regions } : {}),
    ...(request.rules ? { rules: request.rules } : {}),
  };
  const { executionArn } = await deps.stepFunctions().send(
    // Named after the run: starting it twice (a retried invoke) starts one execution.
    new StartExecutionCommand({ stateMachineArn, name: run.runId, input: JSON.stringify(input) }),
  );
  if (!executionArn)
    throw new EstatescanError(`states:StartExecution of ${stateMachineArn} returned no execution ARN`);
  logger.info('State machine started', { executionArn, targets: run.targets });
  return { runId: run.runId, mode: run.mode, executionArn, targets: run.targets };
}

/**
 * Refuses a request for accounts the deployment does not scan, before any is touched: assuming the
 * member role in an outside account would show that account the external id (its CloudTrail
 * records the AssumeRole) and bring its data into the table. The deployment's targets are
 * `TARGET_ACCOUNTS` (its own account when unset) less `EXCLUDE_ACCOUNTS`; with `organization`,
 * the organization's ACTIVE accounts, listed as plan lists them.
 */
export async function refuseAccountsOutsideTargets(
  request: Pick<OnDemandEvent, 'accounts'>,
  configured: TargetSettings,
  session: ScanSession,
): Promise<void> {
  if (request.accounts === undefined) return;
  const hint =
    'An on-demand scan may narrow the accounts the deployment scans (its targetAccounts and ' +
    'excludeAccounts parameters), not widen them: change those parameters to scan other accounts.';
  if (request.accounts === 'organization') {
    if (configured.accounts === 'organization') return;
    throw new InvalidEventError(
      'scan',
      [
        'accounts: "organization" goes beyond the accounts this deployment scans (TARGET_ACCOUNTS lists them)',
      ],
      hint,
    );
  }
  const excluded = new Set(configured.excludeAccounts);
  let allowed: ReadonlySet<string>;
  let outside: string;
  if (configured.accounts === 'organization') {
    allowed = new Set(await organizationAccounts(session));
    outside = 'is not an ACTIVE account of the organization this deployment scans';
  } else if (configured.accounts) {
    allowed = new Set(configured.accounts);
    outside = 'is not one of the accounts this deployment scans (TARGET_ACCOUNTS)';
  } else {
    allowed = new Set([session.callerAccountId]);
    outside = `is not this deployment's own account ${session.callerAccountId}, the only one it scans (TARGET_ACCOUNTS is not set)`;
  }
  const problems = request.accounts.flatMap((accountId, i) => {
    if (excluded.has(accountId)) return [`accounts[${i + 1}]: ${accountId} is excluded (EXCLUDE_ACCOUNTS)`];
    return allowed.has(accountId) ? [] : [`accounts[${i + 1}]: ${accountId} ${outside}`];
  });
  if (problems.length > 0) throw new InvalidEventError('scan', problems, hint);
}

function changeLine(change: FindingChange): ChangeLine {
  const f = change.finding;
  return {
    kind: change.kind,
    severity: f.severity,
    ...(change.previousSeverity ? { previousSeverity: change.previousSeverity } : {}),
    ruleId: f.ruleId,
    accountId: f.accountId,
    region: f.region,
    resourceId: f.resourceId,
    findingId: f.findingId,
    message: f.message,
  };
}
