/**
 * `estatescan.config.yml`: targets, rules, rule settings, performance and suppressions. Validated
 * once, with a schema that rejects unknown keys; every problem is reported at once.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import * as z from 'zod';
import { UsageError } from '../errors.ts';
import { severities } from '../findings/types.ts';
import { MAX_WILDCARD_PATTERN } from '../text/wildcard.ts';
import { describeIssues, performanceSettingsSchema, targetSettingsSchema } from './settings.ts';

const ruleId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)+$/, 'a rule id looks like s3-bucket-versioning-disabled');
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/, 'a date looks like 2027-01-31')
  // Date.parse rolls 2027-02-30 over to March: a real date reads back as itself.
  .refine((v) => {
    const time = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
    return !Number.isNaN(time) && (v.length !== 10 || new Date(time).toISOString().startsWith(v));
  }, 'not a real date');

export const suppressionSchema = z
  .object({
    rule: z.union([ruleId, z.literal('*')]).describe('A rule id, or * for every rule.'),
    resource: z
      .string()
      .min(1)
      .max(MAX_WILDCARD_PATTERN)
      .describe('Resource id or ARN; * matches any run of characters.'),
    account: z
      .string()
      .regex(/^\d{12}$/, 'an account id is 12 digits')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region looks like eu-west-1')
      .optional(),
    reason: z.string().min(3).describe('Why this finding is accepted.'),
    owner: z.string().min(1).describe('Who accepted it.'),
    expires: isoDate.describe('When the suppression stops applying (an expired one no longer suppresses).'),
  })
  .strict();

export const ruleSettingsSchema = z
  .object({
    authorizedPorts: z.array(z.number().int().min(0).max(65535)).default([80, 443]),
    warningDays: z.number().int().min(0).max(3650).default(90),
    connectionLostHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .default(24),
  })
  .strict();

export const configFileSchema = z
  .object({
    targets: targetSettingsSchema.optional(),
    rules: z
      .object({
        enabled: z.array(ruleId).optional().describe('Only these rules (all when absent).'),
        disabled: z.array(ruleId).optional().describe('Never these rules.'),
        severity: z.record(ruleId, z.enum(severities)).optional().describe('Severity overrides per rule.'),
      })
      .strict()
      .optional(),
    settings: ruleSettingsSchema.optional(),
    performance: performanceSettingsSchema.optional(),
    suppressions: z.array(suppressionSchema).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

/** Parses and validates a configuration text; `name` is used in messages. */
export function parseConfig(text: string, name: string, knownRuleIds?: ReadonlySet<string>): ConfigFile {
  // parseDocument, not parse: YAML warnings (unknown tags, directives) are problems, not stderr noise.
  const document = parseDocument(text, { prettyErrors: false });
  const yamlProblems = [...document.errors, ...document.warnings].map(
    (e) => `${name} is not valid YAML: ${e.message.split('\n')[0]}`,
  );
  if (yamlProblems.length) throw new UsageError(yamlProblems.join('; '), yamlProblems);
  let raw: unknown;
  try {
    raw = document.toJS() ?? {};
  } catch (error) {
    // e.g. an alias to an anchor that is not there
    throw new UsageError(`${name} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = configFileSchema.safeParse(raw);
  // The file's own keys (`warningDays`), not the flags' spelling of them.
  const problems = parsed.success
    ? []
    : describeIssues(parsed.error, '', { kebabCase: false }).map((p) => `${name}: ${p}`);
  if (parsed.success && knownRuleIds) {
    const config = parsed.data;
    const mentioned = [
      ...(config.rules?.enabled ?? []).map((id, i) => [`rules.enabled[${i + 1}]`, id] as const),
      ...(config.rules?.disabled ?? []).map((id, i) => [`rules.disabled[${i + 1}]`, id] as const),
      ...Object.keys(config.rules?.severity ?? {}).map((id) => [`rules.severity.${id}`, id] as const),
      ...(config.suppressions ?? []).map((s, i) => [`suppressions[${i + 1}].rule`, s.rule] as const),
    ];
    for (const [where, id] of mentioned) {
      if (id !== '*' && !knownRuleIds.has(id)) problems.push(`${name}: ${where}: unknown rule id "${id}"`);
    }
  }
  if (problems.length || !parsed.success) {
    throw new UsageError(`Invalid configuration:\n  ${problems.join('\n  ')}`, problems);
  }
  return parsed.data;
}

/** A configuration file's text; a `UsageError` when it cannot be read. */
export async function readConfigText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read the configuration file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
}

export async function loadConfig(path: string, knownRuleIds?: ReadonlySet<string>): Promise<ConfigFile> {
  return parseConfig(await readConfigText(path), path, knownRuleIds);
}

/** The JSON schema of the configuration file, for editors (`# yaml-language-server: $schema=…`). */
export function configJsonSchema(): unknown {
  return { title: 'estatescan configuration', ...z.toJSONSchema(configFileSchema, { io: 'input' }) };
}
