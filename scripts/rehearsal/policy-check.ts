/**
 * Whether every call the rehearsal recorded was allowed by the policies of the role that made it,
 * as deployed: each role's inline and attached policies are read back from IAM (so the check sees
 * what CloudFormation created, ARNs resolved), and each call's IAM action and resource are matched
 * against them (an explicit Deny wins; NotAction and NotResource are honoured). moto enforces
 * resource ARNs only for S3, SQS, STS and IAM, hence this check.
 *
 * Conditions are not evaluated (a statement with one is taken to apply; scripts/check-template.ts
 * checks the conditions structurally), and permissions that AWS checks behind the API, which no
 * call here shows (SNS encrypting with the topic's KMS key, Lambda writing logs), stay structural
 * too.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { wildcardMatch } from '../../src/text/wildcard.ts';
import type { AwsAccess } from './deploy.ts';
import type { RecordedCall } from './recording-proxy.ts';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, unknown>;
}

export interface RolePolicies {
  roleArn: string;
  /** `<policy name>`: its statements. */
  statements: { policy: string; statement: PolicyStatement }[];
}

export interface CallVerdict {
  principal: string;
  action: string;
  resource: string;
  /** `unknown-operation`: a REST route recording-proxy.ts cannot tell yet (teach it the route). */
  verdict: 'allowed' | 'denied' | 'unknown-resource' | 'unknown-operation';
  /** The statement that allowed it (`policy/Sid`), or the Deny that refused it. */
  statement?: string;
  /** The allowing statement has conditions, which were not evaluated. */
  conditional?: boolean;
}

/** Actions every principal may call without a grant. */
const unauthorizedActions = new Set(['sts:GetCallerIdentity']);

const asArray = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function parseDocument(document: string | undefined): { Statement?: PolicyStatement | PolicyStatement[] } {
  const text = document ?? '{}';
  return JSON.parse(text.startsWith('%') ? decodeURIComponent(text) : text) as {
    Statement?: PolicyStatement | PolicyStatement[];
  };
}

/** A role's inline and attached policies as IAM holds them. */
export async function readRolePolicies(access: AwsAccess, roleArn: string): Promise<RolePolicies> {
  const roleName = roleArn.split('/').pop() ?? '';
  const iam = new IAMClient({
    region: access.region,
    endpoint: access.endpoint,
    credentials: access.credentials,
  });
  const statements: RolePolicies['statements'] = [];
  const add = (policy: string, document: string | undefined) => {
    for (const statement of [parseDocument(document).Statement ?? []].flat())
      statements.push({ policy, statement });
  };
  try {
    const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    for (const PolicyName of PolicyNames ?? []) {
      const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName }));
      add(PolicyName, PolicyDocument);
    }
    const { AttachedPolicies } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    for (const attached of AttachedPolicies ?? []) {
      const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: attached.PolicyArn }));
      const { PolicyVersion } = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn: attached.PolicyArn, VersionId: Policy?.DefaultVersionId }),
      );
      add(attached.PolicyName ?? attached.PolicyArn ?? '', PolicyVersion?.Document);
    }
  } finally {
    iam.destroy();
  }
  return { roleArn, statements };
}

function matchesAny(patterns: string[], value: string, ignoreCase: boolean): boolean {
  return patterns.some((p) => wildcardMatch(p, value, { ignoreCase }) === true);
}

function applies(statement: PolicyStatement, action: string, resource: string): boolean {
  const actionOk = statement.NotAction
    ? !matchesAny(asArray(statement.NotAction), action, true)
    : matchesAny(asArray(statement.Action), action, true);
  if (!actionOk) return false;
  return statement.NotResource
    ? !matchesAny(asArray(statement.NotResource), resource, false)
    : matchesAny(asArray(statement.Resource), resource, false);
}

/** The verdict on one call under one role's policies. */
export function judgeCall(
  policies: RolePolicies,
  call: Pick<RecordedCall, 'action' | 'resource'>,
): CallVerdict {
  const base = { principal: policies.roleArn, action: call.action, resource: call.resource ?? '?' };
  if (/:Unknown[A-Z]+$/.test(call.action)) return { ...base, verdict: 'unknown-operation' };
  if (unauthorizedActions.has(call.action))
    return { ...base, verdict: 'allowed', statement: '(needs no grant)' };
  if (call.resource === undefined) return { ...base, verdict: 'unknown-resource' };
  const name = (s: { policy: string; statement: PolicyStatement }) =>
    `${s.policy}/${s.statement.Sid ?? '(no Sid)'}`;
  const deny = policies.statements.find(
    (s) => s.statement.Effect === 'Deny' && applies(s.statement, call.action, call.resource!),
  );
  if (deny) return { ...base, verdict: 'denied', statement: name(deny) };
  const allow = policies.statements.find(
    (s) => s.statement.Effect === 'Allow' && applies(s.statement, call.action, call.resource!),
  );
  if (!allow) return { ...base, verdict: 'denied' };
  return {
    ...base,
    verdict: 'allowed',
    statement: name(allow),
    ...(allow.statement.Condition ? { conditional: true } : {}),
  };
}

/**
 * Every distinct (role, action, resource) of the recorded calls made with a role's credentials,
 * judged under that role's deployed policies. `accessTo(accountId)` gives administrator access to
 * the account a role lives in, to read it.
 */
export async function checkRecordedCalls(
  calls: RecordedCall[],
  accessTo: (accountId: string) => Promise<AwsAccess>,
): Promise<CallVerdict[]> {
  const byRole = new Map<string, Map<string, RecordedCall>>();
  for (const call of calls) {
    const roleArn = call.principal?.arn;
    if (!roleArn?.startsWith('arn:aws:iam::')) continue;
    const distinct = byRole.get(roleArn) ?? new Map<string, RecordedCall>();
    distinct.set(`${call.action} ${call.resource ?? '?'}`, call);
    byRole.set(roleArn, distinct);
  }
  const verdicts: CallVerdict[] = [];
  for (const [roleArn, distinct] of byRole) {
    const policies = await readRolePolicies(await accessTo(roleArn.split(':')[4] ?? ''), roleArn);
    for (const call of distinct.values()) verdicts.push(judgeCall(policies, call));
  }
  return verdicts;
}
