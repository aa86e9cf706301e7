/**
 * From validated settings to what a run needs: the session's settings, the plan request and the
 * rule options. Shared by the CLI and the Lambda functions, so both scan the same way.
 */

import { defaultAssumeRoleSettings } from '../aws/assume-role-settings.ts';
import type { SessionSettings } from '../aws/session.ts';
import type { ConfigFile } from '../config/config-file.ts';
import type { PerformanceSettings, TargetSettings } from '../config/settings.ts';
import { selectRules } from '../engine/registry.ts';
import { SuppressionMatcher } from '../engine/suppressions.ts';
import { defaultRuleSettings, type Rule } from '../engine/types.ts';
import { UsageError } from '../errors.ts';
import type { PlanRequest } from './plan.ts';
import type { ScanOptions } from './run-scan.ts';

export interface SessionInput {
  homeRegion: string;
  /** `AWS_ENDPOINT_URL`, for an emulator. */
  endpoint?: string;
  targets: Pick<TargetSettings, 'roleName' | 'externalId' | 'assumeRoleInCallerAccount'>;
  performance: Pick<PerformanceSettings, 'maxAttempts' | 'retryMode'>;
  /** Names the AssumeRole sessions, so CloudTrail in each member account shows the run. */
  runId: string;
  /** Called with every client the session makes (the functions' tracer). */
  onClient?: SessionSettings['onClient'];
}

export function sessionSettings(input: SessionInput): SessionSettings {
  return {
    homeRegion: input.homeRegion,
    aws: {
      ...(input.endpoint ? { endpoint: input.endpoint } : {}),
      maxAttempts: input.performance.maxAttempts,
      retryMode: input.performance.retryMode,
    },
    assumeRole: {
      ...defaultAssumeRoleSettings,
      roleName: input.targets.roleName,
      ...(input.targets.externalId ? { externalId: input.targets.externalId } : {}),
      assumeRoleInCallerAccount: input.targets.assumeRoleInCallerAccount,
      sessionName: `estatescan-${input.runId}`,
    },
    ...(input.onClient ? { onClient: input.onClient } : {}),
  };
}

export function planRequest(targets: TargetSettings, defaultRegion: string): PlanRequest {
  return {
    ...(targets.accounts ? { accounts: targets.accounts } : {}),
    excludeAccounts: targets.excludeAccounts,
    ...(targets.regions ? { regions: targets.regions } : {}),
    defaultRegion,
  };
}

export type RuleOptions = Pick<ScanOptions, 'ruleSettings' | 'severityOverrides' | 'suppressions'>;

/** Rule settings, severity overrides and suppressions from a configuration file. */
export function ruleOptions(config: ConfigFile): RuleOptions {
  return {
    ruleSettings: { ...defaultRuleSettings, ...config.settings },
    ...(config.rules?.severity ? { severityOverrides: config.rules.severity } : {}),
    ...(config.suppressions?.length
      ? {
          suppressions: new SuppressionMatcher(
            config.suppressions.map(({ expires, ...s }) => ({ ...s, expiresAt: expires })),
          ),
        }
      : {}),
  };
}

/**
 * The rules a run evaluates: the requested ones (else the configuration's enabled ones, else all),
 * minus the configuration's disabled ones. Unknown ids are a `UsageError` naming each.
 */
export function enabledRules(
  all: readonly Rule[],
  config: ConfigFile,
  requested?: readonly string[],
): Rule[] {
  const enabled = requested ?? config.rules?.enabled;
  const rules = selectRules(all, {
    ...(enabled ? { enabled } : {}),
    ...(config.rules?.disabled ? { disabled: config.rules.disabled } : {}),
  });
  if (!rules.length) {
    throw new UsageError('No rules are enabled: check the requested rules and the configuration file.');
  }
  return rules;
}

/** The deployment's targets, with the request's accounts and regions in place of its own. */
export function requestedTargets(
  configured: TargetSettings,
  request: { accounts?: string[] | 'organization'; regions?: string[] | 'all' },
): TargetSettings {
  return {
    ...configured,
    ...(request.accounts ? { accounts: request.accounts } : {}),
    ...(request.regions ? { regions: request.regions } : {}),
  };
}
