/**
 * Target and run options shared by `scan` and `inventory`, parsed from flags and validated once.
 */
import type { Environment } from '../config/environment.ts';
import {
  describeIssues,
  type PerformanceSettings,
  performanceSettingsSchema,
  type TargetSettings,
  targetSettingsSchema,
} from '../config/settings.ts';
import { UsageError } from '../errors.ts';
import { commaList } from './args.ts';

export const targetOptionSpec = {
  accounts: { type: 'string' },
  'exclude-accounts': { type: 'string' },
  'role-name': { type: 'string' },
  'external-id': { type: 'string' },
  'assume-role-in-caller-account': { type: 'boolean' },
  regions: { type: 'string' },
  concurrency: { type: 'string' },
  'item-concurrency': { type: 'string' },
  'max-attempts': { type: 'string' },
  'retry-mode': { type: 'string' },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  quiet: { type: 'boolean', short: 'q' },
  wide: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface RunOptions {
  targets: TargetSettings;
  performance: PerformanceSettings;
  region: string;
  /** The first of `formats`. */
  format: string;
  /** Every format asked for (`--format html,ocsf,csv`), in order, without repeats. */
  formats: string[];
  output?: string;
  quiet: boolean;
}

const list = commaList;

export { parseCommandArgs } from './args.ts';

/** Settings from a configuration file, which flags override. */
export interface RunOptionDefaults {
  targets?: Partial<TargetSettings>;
  performance?: Partial<PerformanceSettings>;
}

export function toRunOptions(
  values: Record<string, string | boolean | undefined>,
  env: Environment,
  formats: readonly string[],
  defaults: RunOptionDefaults = {},
  /** Whether `--format` may name several formats (`scan`, with `--output-dir`). */
  multipleFormats = false,
): RunOptions {
  const problems: string[] = [];
  const accounts =
    values.accounts === 'organization' ? 'organization' : list(values.accounts as string | undefined);
  const regions = values.regions === 'all' ? 'all' : list(values.regions as string | undefined);
  const targets = targetSettingsSchema.safeParse({
    ...defaults.targets,
    ...(accounts ? { accounts } : {}),
    ...(values['exclude-accounts'] ? { excludeAccounts: list(values['exclude-accounts'] as string) } : {}),
    ...(regions ? { regions } : {}),
    ...(values['role-name'] ? { roleName: values['role-name'] } : {}),
    ...(values['external-id'] ? { externalId: values['external-id'] } : {}),
    ...(values['assume-role-in-caller-account'] ? { assumeRoleInCallerAccount: true } : {}),
  });
  if (!targets.success) problems.push(...describeIssues(targets.error, '--'));
  const number = (flag: string) => (values[flag] === undefined ? undefined : Number(values[flag]));
  const performanceFlags: Record<string, string> = {
    targetConcurrency: '--concurrency',
    itemConcurrency: '--item-concurrency',
    maxAttempts: '--max-attempts',
    retryMode: '--retry-mode',
  };
  const performance = performanceSettingsSchema.safeParse({
    ...defaults.performance,
    ...Object.fromEntries(
      Object.entries({
        targetConcurrency: number('concurrency'),
        itemConcurrency: number('item-concurrency'),
        maxAttempts: number('max-attempts'),
        retryMode: values['retry-mode'],
      }).filter(([, v]) => v !== undefined),
    ),
  });
  if (!performance.success) {
    for (const issue of performance.error.issues) {
      const key = String(issue.path[0] ?? '');
      problems.push(`${performanceFlags[key] ?? key}: ${issue.message}`);
    }
  }
  const requested = [...new Set(list(values.format as string | undefined) ?? ['table'])];
  const format = requested[0] ?? 'table';
  if (!requested.length || requested.some((f) => !formats.includes(f))) {
    problems.push(`--format: must be one of ${formats.join(', ')} (got "${String(values.format)}")`);
  } else if (requested.length > 1 && !multipleFormats) {
    problems.push(`--format: one format at a time (got "${String(values.format)}")`);
  }
  const region = env.region;
  if (
    !region &&
    (targets.success ? targets.data.regions === undefined || targets.data.regions === 'all' : true)
  ) {
    problems.push('no region: set AWS_REGION or pass --regions');
  }
  if (problems.length || !targets.success || !performance.success) {
    throw new UsageError(`Invalid options:\n  ${problems.join('\n  ')}`, problems);
  }
  return {
    targets: targets.data,
    performance: performance.data,
    region:
      region ?? (Array.isArray(targets.data.regions) ? (targets.data.regions[0] as string) : 'us-east-1'),
    format,
    formats: requested,
    ...(values.output ? { output: values.output as string } : {}),
    quiet: Boolean(values.quiet),
  };
}

export const targetOptionsHelp = `Targets:
  --accounts <id,id|organization>  accounts to scan (default: the caller's own account)
  --exclude-accounts <id,id>       accounts to leave out
  --role-name <name>               role assumed in member accounts (default EstatescanReadOnly)
  --external-id <id>               external id for AssumeRole
  --assume-role-in-caller-account  assume the role in the caller's account too
  --regions <r1,r2|all>            regions (default: AWS_REGION; all = every enabled region)
  --concurrency <n>                targets scanned at once (default 8)
  --item-concurrency <n>           per-resource calls in flight within a target (default 8)
  --max-attempts <n>               SDK attempts per call, retries included (default 8)
  --retry-mode adaptive|standard   SDK retry mode (default adaptive: client-side rate limiting)
Output:
  --format, -f <format>            output format
  --output, -o <file>              write the output to a file instead of stdout
  --quiet, -q                      no progress on stderr
  --wide                           tables: every column and cell whole (by default they fit the
                                   terminal's width, else COLUMNS, else 100: free text is cut first,
                                   identifiers never; ARNs are cut in the middle, the resource id kept)`;
