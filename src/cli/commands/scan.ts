/**
 * `estatescan scan`: collect what the enabled rules need, evaluate them, report findings.
 */
import { existsSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { allRules } from '../../../rules/index.ts';
import { SnsNotifier } from '../../alerts/notifier.ts';
import { type ConfigFile, loadConfig } from '../../config/config-file.ts';
import type { Environment } from '../../config/environment.ts';
import { selectRules } from '../../engine/registry.ts';
import { UsageError } from '../../errors.ts';
import type { ChangeSet } from '../../findings/changes.ts';
import { DynamoDbFindingStore } from '../../findings/dynamodb-store.ts';
import { ensureTable } from '../../findings/table.ts';
import { type Severity, severities, severityRank } from '../../findings/types.ts';
import { renderReport, scanFormats } from '../../report/index.ts';
import { persistRun, saveErrorOf } from '../../scan/persist.ts';
import { runScan } from '../../scan/run-scan.ts';
import { ruleOptions } from '../../scan/run-settings.ts';
import type { CommandIo } from '../io.ts';
import { parseCommandArgs, targetOptionSpec, targetOptionsHelp, toRunOptions } from '../options.ts';
import { createProgress } from '../progress.ts';
import { newRunId, openSession, plan } from '../session.ts';

export const DEFAULT_CONFIG_FILE = 'estatescan.config.yml';

export const scanHelp = `estatescan scan — inventory the targets and report what is wrong

Usage: estatescan scan [options]

${targetOptionsHelp}
Rules:
  --rules <id,id>                  only these rules (default: every rule; see 'estatescan rules')
  --config <file>                  configuration file (default: ./${DEFAULT_CONFIG_FILE} when present)
  --fail-on <severity>             exit 1 when a finding is at or above it (${severities.join(', ')})
Findings store and alerts:
  --table <name>                   keep findings in this DynamoDB table (created when missing):
                                   only changes since the last scan are announced
  --topic <sns topic arn>          publish the changes to this SNS topic (needs --table)
Formats: ${scanFormats.join(', ')}

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error,
3 the scan finished but some targets or sources failed, or some targets could not be saved.`;

const scanOptionSpec = {
  ...targetOptionSpec,
  rules: { type: 'string' },
  config: { type: 'string', short: 'c' },
  'fail-on': { type: 'string' },
  table: { type: 'string' },
  topic: { type: 'string' },
} as const;

const topicArnPattern = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;

async function readConfig(path: string | undefined, knownRuleIds: ReadonlySet<string>): Promise<ConfigFile> {
  if (path) return loadConfig(path, knownRuleIds);
  return existsSync(DEFAULT_CONFIG_FILE) ? loadConfig(DEFAULT_CONFIG_FILE, knownRuleIds) : {};
}

export async function scanCommand(args: string[], env: Environment, io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, scanOptionSpec);
  if (values.help) {
    io.stdout(`${scanHelp}\n`);
    return 0;
  }
  const knownRuleIds = new Set(allRules.map((r) => r.id));
  const config = await readConfig(values.config, knownRuleIds);
  const failOn = values['fail-on'];
  const problems: string[] = [];
  if (failOn !== undefined && !severities.includes(failOn as Severity)) {
    problems.push(`--fail-on: must be one of ${severities.join(', ')} (got "${failOn}")`);
  }
  if (values.topic && !values.table)
    problems.push('--topic: needs --table (alerts announce changes the store sees)');
  if (values.topic && !topicArnPattern.test(values.topic)) {
    problems.push('--topic: an SNS topic ARN looks like arn:aws:sns:eu-west-1:123456789012:estatescan');
  }
  if (values.table && !/^[\w.-]{3,255}$/.test(values.table))
    problems.push('--table: 3-255 letters, digits, _ . -');
  let options: ReturnType<typeof toRunOptions> | undefined;
  try {
    options = toRunOptions(values, env, scanFormats, {
      ...(config.targets ? { targets: config.targets } : {}),
      ...(config.performance ? { performance: config.performance } : {}),
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.problems);
  }
  const enabled = values.rules
    ? values.rules
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : config.rules?.enabled;
  let rules: ReturnType<typeof selectRules> = [];
  try {
    rules = selectRules(allRules, {
      ...(enabled ? { enabled } : {}),
      ...(config.rules?.disabled ? { disabled: config.rules.disabled } : {}),
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.problems.map((p) => `--rules: ${p}`));
  }
  if (problems.length || !options) {
    throw new UsageError(`Invalid options:\n  ${problems.join('\n  ')}`, problems);
  }
  if (!rules.length) throw new UsageError('No rules are enabled: check --rules and the configuration file.');

  const startedAt = io.now();
  const runId = newRunId(startedAt);
  const session = await openSession(options, env, runId);
  try {
    const { targets, errors: planErrors } = await plan(session, options);
    const progress = createProgress(io.stderrStream, env.interactive, options.quiet);
    const { report, results, evaluations } = await runScan(session, {
      runId,
      targets,
      planErrors,
      rules,
      ...ruleOptions(config),
      targetConcurrency: options.performance.targetConcurrency,
      itemConcurrency: options.performance.itemConcurrency,
      now: io.now,
      onTargetDone: (r, done, total) => progress.targetDone(r, done, total),
    });
    progress.finish();
    await io.write(renderReport(report, options.format as (typeof scanFormats)[number]), options.output);

    let unsaved = 0;
    if (values.table) {
      const dynamodb = session.hub.get(DynamoDBClient, options.region);
      if ((await ensureTable(dynamodb, values.table)).created) {
        io.stderr(`estatescan: created the findings table ${values.table} in ${options.region}\n`);
      }
      // Each target is saved on its own: one that cannot be is reported, the others' changes go out.
      const changeSet = await persistRun(new DynamoDbFindingStore(dynamodb, values.table), {
        runId,
        startedAt: report.startedAt,
        finishedAt: report.finishedAt,
        results,
        evaluations,
        apiCalls: session.counter.totals(),
        concurrency: options.performance.targetConcurrency,
      });
      const published = values.topic
        ? await new SnsNotifier(
            session.hub.get(SNSClient, values.topic.split(':')[3] as string),
            values.topic,
            {
              table: values.table,
            },
          ).publish(changeSet)
        : undefined;
      io.stderr(
        `estatescan: ${describeChanges(changeSet)}${published ? `; ${published.messages} messages published` : ''}\n`,
      );
      for (const failure of changeSet.unsaved) {
        const error = saveErrorOf(failure);
        io.stderr(
          `estatescan: could not save ${failure.accountId} ${failure.region} to ${values.table}: ${error.code}: ${error.message}\n`,
        );
      }
      if (changeSet.runRecordError !== undefined) {
        io.stderr(
          `estatescan: could not record run ${runId} in ${values.table}: ${(changeSet.runRecordError as Error).message}\n`,
        );
      }
      unsaved = changeSet.unsaved.length + (changeSet.runRecordError === undefined ? 0 : 1);
    }

    const open = report.findings.filter((f) => f.status === 'open');
    const incomplete = report.targets.filter((t) => t.status !== 'ok').length + planErrors.length;
    io.stderr(
      `estatescan: ${report.targets.length} targets, ${open.length} open findings` +
        `${report.findings.length > open.length ? ` (${report.findings.length - open.length} suppressed)` : ''}` +
        `${incomplete ? `, ${incomplete} targets incomplete (${report.errors.length} errors)` : ''}\n`,
    );
    if (failOn && open.some((f) => severityRank(f.severity) >= severityRank(failOn as Severity))) return 1;
    return incomplete || unsaved ? 3 : 0;
  } finally {
    session.destroy();
  }
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
