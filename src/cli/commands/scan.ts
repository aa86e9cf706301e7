/**
 * `estatescan scan`: collect what the enabled rules need, evaluate them, report findings.
 */
import { existsSync } from 'node:fs';
import { allRules } from '../../../rules/index.ts';
import { type ConfigFile, loadConfig } from '../../config/config-file.ts';
import type { Environment } from '../../config/environment.ts';
import { selectRules } from '../../engine/registry.ts';
import { SuppressionMatcher } from '../../engine/suppressions.ts';
import { defaultRuleSettings } from '../../engine/types.ts';
import { UsageError } from '../../errors.ts';
import { type Severity, severities, severityRank } from '../../findings/types.ts';
import { renderReport, scanFormats } from '../../report/index.ts';
import { runScan } from '../../scan/run-scan.ts';
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
Formats: ${scanFormats.join(', ')}

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error,
3 the scan finished but some targets or sources failed.`;

const scanOptionSpec = {
  ...targetOptionSpec,
  rules: { type: 'string' },
  config: { type: 'string', short: 'c' },
  'fail-on': { type: 'string' },
} as const;

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
    const { report } = await runScan(session, {
      runId,
      targets,
      planErrors,
      rules,
      ruleSettings: { ...defaultRuleSettings, ...config.settings },
      ...(config.rules?.severity ? { severityOverrides: config.rules.severity } : {}),
      ...(config.suppressions?.length
        ? {
            suppressions: new SuppressionMatcher(
              config.suppressions.map(({ expires, ...s }) => ({ ...s, expiresAt: expires })),
            ),
          }
        : {}),
      targetConcurrency: options.performance.targetConcurrency,
      itemConcurrency: options.performance.itemConcurrency,
      now: io.now,
      onTargetDone: (r, done, total) => progress.targetDone(r, done, total),
    });
    progress.finish();
    await io.write(renderReport(report, options.format as (typeof scanFormats)[number]), options.output);

    const open = report.findings.filter((f) => f.status === 'open');
    const incomplete = report.targets.filter((t) => t.status !== 'ok').length + planErrors.length;
    io.stderr(
      `estatescan: ${report.targets.length} targets, ${open.length} open findings` +
        `${report.findings.length > open.length ? ` (${report.findings.length - open.length} suppressed)` : ''}` +
        `${incomplete ? `, ${incomplete} targets incomplete (${report.errors.length} errors)` : ''}\n`,
    );
    if (failOn && open.some((f) => severityRank(f.severity) >= severityRank(failOn as Severity))) return 1;
    return incomplete ? 3 : 0;
  } finally {
    session.destroy();
  }
}
