/**
 * `estatescan scan`: collect what the enabled rules need, evaluate them, report findings.
 *
 * This file reads and checks the options; the run itself (scan-run.ts, with the AWS SDK clients) is
 * loaded only once they are valid, so `scan --help` and a mistyped flag answer at once.
 */
import { existsSync } from 'node:fs';
import { allRules } from '../../../rules/index.ts';
import { type ConfigFile, loadConfig } from '../../config/config-file.ts';
import type { Environment } from '../../config/environment.ts';
import { selectRules } from '../../engine/registry.ts';
import type { Rule } from '../../engine/types.ts';
import { UsageError } from '../../errors.ts';
import { type Severity, severities } from '../../findings/types.ts';
import { scanFormats } from '../../report/index.ts';
import { commaList, unknownValues } from '../args.ts';
import type { CommandIo } from '../io.ts';
import {
  parseCommandArgs,
  type RunOptions,
  targetOptionSpec,
  targetOptionsHelp,
  toRunOptions,
} from '../options.ts';

export const DEFAULT_CONFIG_FILE = 'estatescan.config.yml';

/** The services rules belong to, in the order `estatescan rules` groups them. */
export const ruleServices = [...new Set(allRules.map((r) => r.service))].sort();

export const scanHelp = `estatescan scan — inventory the targets and report what is wrong

Usage: estatescan scan [options]

${targetOptionsHelp}
Rules:
  --rules <id,id>                  only these rules (default: every rule; see 'estatescan rules')
  --service <s,s>                  only the rules of these services (${ruleServices.join(', ')})
  --exclude-rules <id,id>          leave these rules out
  --config <file>                  configuration file (default: ./${DEFAULT_CONFIG_FILE} when present)
  --fail-on <severity>             exit 1 when a finding shown is at or above it (${severities.join(', ')})
  --severity <s,s>                 show only findings of these severities, in every report and for
                                   --fail-on; the findings table, alerts and Security Hub still get
                                   every finding (a finding left out is not resolved)
Findings store and alerts:
  --table <name>                   keep findings in this DynamoDB table (created when missing):
                                   only changes since the last scan are announced, and the reports
                                   list the findings this scan resolved
  --topic <sns topic arn>          publish the changes to this SNS topic (needs --table)
Reports:
  formats: ${scanFormats.join(', ')}; several at once, one file each, from one run:
  --format html,ocsf,asff,csv,json --output-dir <dir>
  --output-dir <dir>               write each format to <dir>/estatescan-<run id>.<ext> (the directory
                                   is created when missing; -o <dir>/ does the same)
  CSV starts with a UTF-8 byte-order mark, so Excel reads it as UTF-8.
AWS Security Hub:
  --security-hub                   import the findings into Security Hub in each finding's own account
                                   and Region (with that account's credentials: the member role needs
                                   SecurityHubImport=true) and keep them in step: resolved findings
                                   archived, suppressed ones SUPPRESSED, never duplicated

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error,
3 the scan finished but some targets or sources failed, some targets could not be saved, a
report could not be written, or Security Hub refused findings or calls (--security-hub).`;

const scanOptionSpec = {
  ...targetOptionSpec,
  rules: { type: 'string' },
  service: { type: 'string' },
  'exclude-rules': { type: 'string' },
  severity: { type: 'string' },
  config: { type: 'string', short: 'c' },
  'fail-on': { type: 'string' },
  table: { type: 'string' },
  topic: { type: 'string' },
  'output-dir': { type: 'string' },
  'security-hub': { type: 'boolean' },
} as const;

/** A scan's options, checked: what scan-run.ts runs. */
export interface ScanRequest {
  options: RunOptions;
  config: ConfigFile;
  rules: Rule[];
  /** Only findings of these severities are shown (every severity when unset). */
  severities?: ReadonlySet<Severity>;
  failOn?: Severity;
  table?: string;
  topic?: string;
  outputDir?: string;
  securityHub: boolean;
  /** Tables whole, whatever the terminal's width. */
  wide: boolean;
}

const topicArnPattern = /^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/;

async function readConfig(path: string | undefined, knownRuleIds: ReadonlySet<string>): Promise<ConfigFile> {
  if (path) return loadConfig(path, knownRuleIds);
  return existsSync(DEFAULT_CONFIG_FILE) ? loadConfig(DEFAULT_CONFIG_FILE, knownRuleIds) : {};
}

/**
 * The rules a scan evaluates: `--rules`, else the configuration's enabled ones, else every rule;
 * then only those of `--service`; without `--exclude-rules` and the configuration's disabled ones.
 * Problems are added to `problems`.
 */
function scanRules(
  values: { rules?: string; service?: string; 'exclude-rules'?: string },
  config: ConfigFile,
  problems: string[],
): Rule[] {
  const services = commaList(values.service) ?? [];
  problems.push(...unknownValues('--service', services, ruleServices, 'service'));
  const excluded = commaList(values['exclude-rules']) ?? [];
  let rules: Rule[] = [];
  try {
    const enabled = commaList(values.rules) ?? config.rules?.enabled;
    rules = selectRules(allRules, {
      ...(enabled ? { enabled } : {}),
      disabled: config.rules?.disabled ?? [],
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.problems.map((p) => `--rules: ${p}`));
  }
  try {
    selectRules(allRules, { disabled: excluded });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.problems.map((p) => `--exclude-rules: ${p}`));
  }
  const excludedIds = new Set(excluded);
  return rules.filter((r) => (!services.length || services.includes(r.service)) && !excludedIds.has(r.id));
}

/** Reads and checks the options; every problem is reported at once, before any AWS call. */
export async function parseScanRequest(args: string[], env: Environment): Promise<ScanRequest | 'help'> {
  const { values } = parseCommandArgs(args, scanOptionSpec);
  if (values.help) return 'help';
  const knownRuleIds = new Set(allRules.map((r) => r.id));
  const config = await readConfig(values.config, knownRuleIds);
  const failOn = values['fail-on'];
  const problems: string[] = [];
  if (failOn !== undefined && !severities.includes(failOn as Severity)) {
    problems.push(`--fail-on: must be one of ${severities.join(', ')} (got "${failOn}")`);
  }
  const shown = commaList(values.severity);
  if (shown) {
    if (!shown.length) problems.push(`--severity: name one or more of ${severities.join(', ')}`);
    problems.push(...unknownValues('--severity', shown, severities, 'severity'));
  }
  if (values.topic && !values.table)
    problems.push('--topic: needs --table (alerts announce changes the store sees)');
  if (values.topic && !topicArnPattern.test(values.topic)) {
    problems.push('--topic: an SNS topic ARN looks like arn:aws:sns:eu-west-1:123456789012:estatescan');
  }
  if (values.table && !/^[\w.-]{3,255}$/.test(values.table))
    problems.push('--table: 3-255 letters, digits, _ . -');
  let options: RunOptions | undefined;
  try {
    options = toRunOptions(
      values,
      env,
      scanFormats,
      {
        ...(config.targets ? { targets: config.targets } : {}),
        ...(config.performance ? { performance: config.performance } : {}),
      },
      true,
    );
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    problems.push(...error.problems);
  }
  const rules = scanRules(values, config, problems);
  if (problems.length || !options) {
    throw new UsageError(`Invalid options:\n  ${problems.join('\n  ')}`, problems);
  }
  if (!rules.length) {
    throw new UsageError(
      'No rules are enabled: check --rules, --service, --exclude-rules and the configuration file.',
    );
  }
  return {
    options,
    config,
    rules,
    ...(shown ? { severities: new Set(shown as Severity[]) } : {}),
    ...(failOn ? { failOn: failOn as Severity } : {}),
    ...(values.table ? { table: values.table } : {}),
    ...(values.topic ? { topic: values.topic } : {}),
    ...(values['output-dir'] ? { outputDir: values['output-dir'] } : {}),
    securityHub: Boolean(values['security-hub']),
    wide: Boolean(values.wide),
  };
}

export async function scanCommand(args: string[], env: Environment, io: CommandIo): Promise<number> {
  const request = await parseScanRequest(args, env);
  if (request === 'help') {
    io.stdout(`${scanHelp}\n`);
    return 0;
  }
  const { runScanRequest } = await import('./scan-run.ts');
  return runScanRequest(request, env, io);
}
