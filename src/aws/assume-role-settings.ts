/**
 * How member accounts are reached: the role, its external id, the session's name and lifetime. A
 * leaf module (no STS client imported), so the settings schema does not bring STS into bundles
 * that never assume a role.
 */
export interface AssumeRoleSettings {
  roleName: string;
  externalId?: string;
  /** Names the run in CloudTrail, e.g. `estatescan-<runId>`. */
  sessionName: string;
  /** Assume the role in the caller's own account too. */
  assumeRoleInCallerAccount: boolean;
  durationSeconds: number;
  /** Refresh this long before expiry. */
  refreshMarginMs: number;
  /** The partition's ARN prefix, `aws` unless in China or GovCloud. */
  partition: string;
}

export const defaultAssumeRoleSettings: AssumeRoleSettings = {
  roleName: 'EstatescanReadOnly',
  sessionName: 'estatescan',
  assumeRoleInCallerAccount: false,
  durationSeconds: 3600,
  refreshMarginMs: 5 * 60_000,
  partition: 'aws',
};
