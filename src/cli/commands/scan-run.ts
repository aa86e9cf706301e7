/**
 * What `estatescan scan` does once its options are valid (scan.ts): plan the targets, scan them,
 * save the findings (`--table`) and announce the changes (`--topic`), keep Security Hub in step
 * (`--security-hub`), then write the reports.
 *
 * The reports come last, so that they show what the store made of the scan: the findings it
 * resolved are listed as resolved. The clients of the optional sinks (DynamoDB, SNS, Security Hub)
 * are loaded only when their flag is given.
 */
import type { Environment } from '../../config/environment.ts';
import type { TargetEvaluation } from '../../engine/evaluate.ts';
import type { ChangeSet } from '../../findings/changes.ts';
import { type Finding, severityRank } from '../../findings/types.ts';
import { renderReport, type ScanFormat } from '../../report/index.ts';
import type { ScanReport } from '../../report/types.ts';
import { accountDirectory } from '../../scan/account-names.ts';
import type { TargetResult } from '../../scan/run-inventory.ts';
import { runScan } from '../../scan/run-scan.ts';
import { ruleOptions } from '../../scan/run-settings.ts';
import type { TargetSyncResult } from '../../securityhub/sync.ts';
import { forTerminal } from '../../text/sanitize.ts';
import type { CommandIo } from '../io.ts';
import { type OutputPlan, prepareOutput } from '../output.ts';
import { createProgress } from '../progress.ts';
import { newRunId, openSession, plan } from '../session.ts';
import { csvForSpreadsheets, type TableLayout, tableLayout } from '../table.ts';
import type { ScanRequest } from './scan.ts';

type Session = Awaited<ReturnType<typeof openSession>>;

export async function runScanRequest(request: ScanRequest, env: Environment, io: CommandIo): Promise<number> {
  const { options } = request;
  const startedAt = io.now();
  const runId = newRunId(startedAt);
  // Before any AWS call: a report that cannot be written is found now, not after the scan.
  const output = await prepareOutput({
    formats: options.formats,
    ...(options.output ? { output: options.output } : {}),
    ...(request.outputDir ? { outputDir: request.outputDir } : {}),
    runId,
  });
  const session = await openSession(options, env, runId);
  try {
    const { targets, errors: planErrors } = await plan(session, options);
    const progress = createProgress(io.stderrStream, env.interactive, options.quiet);
    const directory = accountDirectory(session, [...new Set(targets.map((t) => t.accountId))]);
    const { report, results, evaluations } = await runScan(session, {
      runId,
      targets,
      planErrors,
      rules: request.rules,
      ...ruleOptions(request.config),
      targetConcurrency: options.performance.targetConcurrency,
      itemConcurrency: options.performance.itemConcurrency,
      now: io.now,
      onTargetDone: (r, done, total) => progress.targetDone(r, done, total),
    });
    progress.finish();
    report.accounts = (await directory).accounts;

    // The reports are written even when the store or Security Hub fails: the scan is not lost.
    let failure: { error: unknown } | undefined;
    let unsaved = 0;
    let resolved: Finding[] = [];
    let hubProblems = 0;
    try {
      if (request.table) {
        ({ unsaved, resolved } = await saveToTable(session, request, { report, results, evaluations }, io));
      }
      if (request.securityHub) hubProblems = await syncSecurityHub(session, request, report, evaluations, io);
    } catch (error) {
      failure = { error };
    }

    const shown = shownReport(report, resolved, request);
    const unwritten = await writeReports(io, shown, output, tableLayout(env, request.wide));
    if (failure) throw failure.error;

    const open = shown.findings.filter((f) => f.status === 'open');
    const suppressed = shown.findings.filter((f) => f.status === 'suppressed').length;
    const incomplete = report.targets.filter((t) => t.status !== 'ok').length + planErrors.length;
    const filter = request.severities ? ` (${[...request.severities].join(', ')})` : '';
    io.stderr(
      `estatescan: ${report.targets.length} targets, ${open.length} open findings${filter}` +
        `${suppressed ? ` (${suppressed} suppressed)` : ''}` +
        `${resolved.length ? `, ${resolved.length} resolved` : ''}` +
        `${incomplete ? `, ${incomplete} targets incomplete (${report.errors.length} errors)` : ''}\n`,
    );
    const failOn = request.failOn;
    if (failOn && open.some((f) => severityRank(f.severity) >= severityRank(failOn))) return 1;
    return incomplete || unsaved || unwritten || hubProblems ? 3 : 0;
  } finally {
    session.destroy();
  }
}

/**
 * The report as the user asked to see it: with the findings the store resolved in this run (it
 * is the one that knows), and only the severities of `--severity`.
 */
function shownReport(report: ScanReport, resolved: readonly Finding[], request: ScanRequest): ScanReport {
  const findings = [...report.findings, ...resolved];
  const wanted = request.severities;
  return { ...report, findings: wanted ? findings.filter((f) => wanted.has(f.severity)) : findings };
}

interface ScanOutcome {
  report: ScanReport;
  results: TargetResult[];
  evaluations: TargetEvaluation[];
}

/**
 * `--table` (and `--topic`): saves each target's findings and announces the changes. Returns how
 * many targets (and run records) could not be saved, and the findings the store resolved.
 */
async function saveToTable(
  session: Session,
  request: ScanRequest,
  { report, results, evaluations }: ScanOutcome,
  io: CommandIo,
): Promise<{ unsaved: number; resolved: Finding[] }> {
  const table = request.table as string;
  const region = request.options.region;
  const [{ DynamoDBClient }, { DynamoDbFindingStore }, { ensureTable }, { persistRun, saveErrorOf }] =
    await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('../../findings/dynamodb-store.ts'),
      import('../../findings/table.ts'),
      import('../../scan/persist.ts'),
    ]);
  const dynamodb = session.hub.get(DynamoDBClient, region);
  if ((await ensureTable(dynamodb, table)).created) {
    io.stderr(`estatescan: created the findings table ${table} in ${region}\n`);
  }
  // Each target is saved on its own: one that cannot be is reported, the others' changes go out.
  const changeSet = await persistRun(new DynamoDbFindingStore(dynamodb, table), {
    runId: report.runId,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    results,
    evaluations,
    apiCalls: session.counter.totals(),
    concurrency: request.options.performance.targetConcurrency,
  });
  let published: { messages: number } | undefined;
  if (request.topic) {
    const [{ SNSClient }, { SnsNotifier }] = await Promise.all([
      import('@aws-sdk/client-sns'),
      import('../../alerts/notifier.ts'),
    ]);
    const topicRegion = request.topic.split(':')[3] as string;
    published = await new SnsNotifier(session.hub.get(SNSClient, topicRegion), request.topic, {
      table,
    }).publish(changeSet);
  }
  io.stderr(
    `estatescan: ${describeChanges(changeSet)}${published ? `; ${published.messages} messages published` : ''}\n`,
  );
  for (const failure of changeSet.unsaved) {
    const error = saveErrorOf(failure);
    io.stderr(
      `estatescan: could not save ${failure.accountId} ${failure.region} to ${table}: ${error.code}: ${error.message}\n`,
    );
  }
  if (changeSet.runRecordError !== undefined) {
    io.stderr(
      `estatescan: could not record run ${report.runId} in ${table}: ${(changeSet.runRecordError as Error).message}\n`,
    );
  }
  return {
    unsaved: changeSet.unsaved.length + (changeSet.runRecordError === undefined ? 0 : 1),
    resolved: changeSet.changes.filter((c) => c.kind === 'resolved').map((c) => c.finding),
  };
}

/** "2 new, 1 resolved; 1 target baselined" — what the store saw, for stderr. */
function describeChanges(changeSet: ChangeSet): string {
  const counts = new Map<string, number>();
  for (const change of changeSet.changes) counts.set(change.kind, (counts.get(change.kind) ?? 0) + 1);
  const parts = [...counts.entries()].map(([kind, n]) => `${n} ${kind}`);
  const changes = parts.length ? parts.join(', ') : 'no changes';
  return changeSet.baselines.length
    ? `${changes}; first scan of ${changeSet.baselines.length} targets recorded as their baseline`
    : changes;
}

/** `--security-hub`: keeps each target's findings there in step; returns how many problems it met. */
async function syncSecurityHub(
  session: Session,
  request: ScanRequest,
  report: ScanReport,
  evaluations: TargetEvaluation[],
  io: CommandIo,
): Promise<number> {
  const [{ syncThroughSession }, { hintFor }] = await Promise.all([
    import('../../securityhub/session-sync.ts'),
    import('../../securityhub/sync.ts'),
  ]);
  const synced = await syncThroughSession(session, report, evaluations, {
    concurrency: request.options.performance.targetConcurrency,
    now: io.now().toISOString(),
  });
  return reportSecurityHub(io, synced, report.targets.length - evaluations.length, hintFor);
}

/**
 * Writes each report where the plan says; one that cannot be written is said so on stderr and
 * the others are still written. Returns how many could not be. CSV gets the UTF-8 byte-order mark
 * Excel needs.
 */
async function writeReports(
  io: CommandIo,
  report: ScanReport,
  plan: OutputPlan,
  layout: TableLayout,
): Promise<number> {
  const render = (format: string, as: TableLayout) => {
    const text = renderReport(report, format as ScanFormat, as);
    return format === 'csv' ? csvForSpreadsheets(text) : text;
  };
  if (plan.kind === 'stdout') {
    await io.write(render(plan.format, layout));
    return 0;
  }
  let failed = 0;
  const written: string[] = [];
  for (const file of plan.kind === 'dir' ? plan.files : [plan]) {
    try {
      // A file is no terminal: no colour in it.
      await io.write(render(file.format, { ...layout, color: false }), file.path);
      written.push(file.path);
    } catch (error) {
      failed++;
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      io.stderr(`estatescan: could not write ${forTerminal(file.path)}: ${forTerminal(code)}\n`);
    }
  }
  if (written.length && plan.kind === 'dir') {
    io.stderr(`estatescan: run ${report.runId} written to ${forTerminal(written.join(', '))}\n`);
  }
  return failed;
}

/** The most refused findings and failed calls listed one by one; the rest are counted. */
const LISTED_PROBLEMS = 20;

/** What the Security Hub sync did, on stderr; returns how many problems it met (refusals, errors). */
function reportSecurityHub(
  io: CommandIo,
  results: TargetSyncResult[],
  unscanned: number,
  hintFor: (code: string) => string,
): number {
  const total = (pick: (r: TargetSyncResult) => number) => results.reduce((n, r) => n + pick(r), 0);
  const calls = new Map<string, number>();
  for (const r of results)
    for (const [op, n] of Object.entries(r.calls)) calls.set(op, (calls.get(op) ?? 0) + (n ?? 0));
  const callText = [...calls].map(([op, n]) => `${n} ${op.replace('securityhub:', '')}`).join(', ');
  io.stderr(
    `estatescan: Security Hub: ${total((r) => r.created)} created, ${total((r) => r.updated)} updated, ` +
      `${total((r) => r.archived)} archived, ${total((r) => r.suppressed)} suppressed, ` +
      `${total((r) => r.unsuppressed)} unsuppressed in ${results.length} targets` +
      `${callText ? ` (calls: ${callText})` : ''}\n`,
  );
  if (unscanned > 0) {
    io.stderr(
      `estatescan: Security Hub: ${unscanned} targets could not be scanned; their findings there are left as they are\n`,
    );
  }
  const problems = results.flatMap((r) => [
    ...r.errors.map((e) => {
      const hint = hintFor(e.code);
      return `${r.accountId} ${r.region}: ${e.operation} failed: ${e.code}: ${e.message}${hint ? ` (${hint})` : ''}`;
    }),
    ...r.rejected.map(
      (f) => `${r.accountId} ${r.region}: ${f.operation} refused finding ${f.id}: ${f.code}: ${f.message}`,
    ),
  ]);
  for (const line of problems.slice(0, LISTED_PROBLEMS))
    io.stderr(`estatescan: Security Hub ${forTerminal(line)}\n`);
  if (problems.length > LISTED_PROBLEMS) {
    io.stderr(`estatescan: Security Hub: and ${problems.length - LISTED_PROBLEMS} more problems\n`);
  }
  return problems.length;
}
