/**
 * Run settings: validated once at the boundary (CLI flags, config file, invoke event), typed after.
 */
import * as z from 'zod';
import { defaultAssumeRoleSettings } from '../aws/assume-role-settings.ts';
import { defaultAwsClientSettings } from '../aws/client-config.ts';

export const accountIdPattern = /^\d{12}$/;
export const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d$/;

export const accountId = z.string().regex(accountIdPattern, 'an account id is 12 digits');
export const regionName = z.string().regex(regionPattern, 'a region looks like eu-west-1');

export const targetSettingsSchema = z
  .object({
    accounts: z
      .union([z.array(accountId).min(1), z.literal('organization')], {
        error: 'a list of 12-digit account ids, or "organization"',
      })
      .optional(),
    excludeAccounts: z.array(accountId).default([]),
    regions: z
      .union([z.array(regionName).min(1), z.literal('all')], { error: 'a list of regions, or "all"' })
      .optional(),
    roleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'a role name has 1-64 letters, digits or +=,.@_-')
      .default(defaultAssumeRoleSettings.roleName),
    externalId: z.string().min(2).max(1224).optional(),
    assumeRoleInCallerAccount: z.boolean().default(false),
  })
  .strict();

export const performanceSettingsSchema = z
  .object({
    /** Targets (account × region) scanned at once. */
    targetConcurrency: z.number().int().min(1).max(256).default(8),
    /** Per-item calls in flight at once within a target; keeps under EC2's 20/s refill. */
    itemConcurrency: z.number().int().min(1).max(64).default(8),
    maxAttempts: z.number().int().min(1).max(20).default(defaultAwsClientSettings.maxAttempts),
    retryMode: z.enum(['standard', 'adaptive']).default(defaultAwsClientSettings.retryMode),
  })
  .strict();

export type TargetSettings = z.infer<typeof targetSettingsSchema>;
export type PerformanceSettings = z.infer<typeof performanceSettingsSchema>;

/**
 * A zod issue path as users write it: list items count from 1 (`accounts[2]`); CLI flags and
 * configuration keys are kebab-case (`excludeAccounts` is `--exclude-accounts`) unless `kebabCase`
 * is false (invoke events use the JSON keys as they are).
 */
export function issuePath(path: readonly PropertyKey[], options: { kebabCase?: boolean } = {}): string {
  const kebab = options.kebabCase ?? true;
  if (!path.length) return '(root)';
  return path
    .map((p) =>
      typeof p === 'number'
        ? `[${p + 1}]`
        : kebab
          ? String(p).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
          : String(p),
    )
    .join('.')
    .replace(/\.\[/g, '[');
}

/** Formats zod issues as `path: message` lines. */
export function describeIssues(
  error: z.ZodError,
  prefix = '',
  options: { kebabCase?: boolean } = {},
): string[] {
  return error.issues.map((issue) => {
    const path = issuePath(issue.path, options);
    if (issue.code === 'unrecognized_keys') {
      return `${prefix}${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${prefix}${path}: ${issue.message}`;
  });
}
