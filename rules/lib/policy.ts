/**
 * Resource policy predicates: which statements of a resource policy (an ECR repository policy, a bucket
 * policy) let anyone call an action, after the policy's own conditions and Deny statements.
 *
 * The analysis is sound rather than complete: when it cannot prove that a condition or a Deny keeps
 * strangers out, it says the statement is public. It may therefore over-report an exotic policy that is
 * in fact closed; it should never call an open policy closed. In particular:
 *
 * - An `Allow` to `*` (or `{"AWS": "*"}`), or any `Allow` with `NotPrincipal`, is a candidate.
 * - A candidate is restricted when one of its conditions ties the caller to a boundary: an organization,
 *   an account, a principal, a VPC or VPC endpoint, a calling resource, or private source addresses.
 *   The condition must use a positive operator (`StringEquals`, `StringLike`, `ArnLike`, `IpAddress`,
 *   `ForAnyValue:…`) and every value it lists must name one boundary exactly (a value with a wildcard
 *   where the account or organization goes, like `"*"` or `"arn:aws:iam::*:role/ci"`, names none).
 *   `…IfExists` and `ForAllValues:` pass when the key is absent from the request, and a request from a
 *   stranger may well lack it, so they never restrict. Negated operators never restrict an `Allow`.
 * - A `Deny` is honoured for an action when it covers the action, applies to everyone (`*`, or
 *   `NotPrincipal` naming specific principals), and each of its conditions is a perimeter: a negated
 *   operator on one of the same keys with exact values (`StringNotEquals aws:PrincipalOrgID o-…`). IAM
 *   evaluates a negated operator to true when the key is absent, so such a Deny catches every caller
 *   outside the boundary; several perimeters together leave a union of boundaries, still not everyone.
 *   The only other condition allowed beside them is the usual `aws:PrincipalIsAWSService: false`
 *   exemption for AWS services. A Deny with any other condition can be sidestepped and is ignored.
 */
import type { ParsedPolicy, PolicyStatement } from '../../src/inventory/types.ts';
import { wildcardMatch } from '../../src/text/wildcard.ts';

/** Named groups of actions to ask about, e.g. `{ pull: [...], push: [...] }`. */
export type ActionGroups<G extends string> = Readonly<Record<G, readonly string[]>>;

/** The ECR actions that let a caller read images (manifests and layers). */
export const ECR_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

/** The ECR actions that let a caller write images (layers and manifests). */
export const ECR_PUSH_ACTIONS = [
  'ecr:PutImage',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
] as const;

export const ecrActionGroups: ActionGroups<'pull' | 'push'> = {
  pull: ECR_PULL_ACTIONS,
  push: ECR_PUSH_ACTIONS,
};

export interface PolicyExposure<G extends string> {
  /** The `Allow` statements that let anyone call one of the exposed actions, in policy order. */
  statements: PolicyStatement[];
  /** The actions of interest anyone may call, in the order they were asked about. */
  exposedActions: string[];
  /** Per group: whether anyone may call at least one of its actions. */
  exposed: Record<G, boolean>;
}

/** What a condition key ties the caller to, which decides how its values are read. */
type Boundary = 'org' | 'orgPath' | 'account' | 'arn' | 'endpoint' | 'userid' | 'ip';

/** Condition keys (lower case: IAM compares them case-insensitively) that tie the caller to a boundary. */
const restrictingKeys: ReadonlyMap<string, Boundary> = new Map([
  ['aws:principalorgid', 'org'],
  ['aws:principalorgpaths', 'orgPath'],
  ['aws:principalaccount', 'account'],
  ['aws:sourceaccount', 'account'],
  ['aws:sourceowner', 'account'],
  ['aws:principalarn', 'arn'],
  ['aws:sourcearn', 'arn'],
  ['aws:sourcevpce', 'endpoint'],
  ['aws:sourcevpc', 'endpoint'],
  ['aws:userid', 'userid'],
  ['aws:sourceip', 'ip'],
]);

const positiveOperators = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
  'ipaddress',
]);

const negatedOperators = new Set([
  'stringnotequals',
  'stringnotequalsignorecase',
  'stringnotlike',
  'arnnotequals',
  'arnnotlike',
  'notipaddress',
]);

interface Operator {
  /** Lower case, without set prefix and `IfExists` suffix, e.g. `stringlike`. */
  base: string;
  set?: 'any' | 'all';
  ifExists: boolean;
}

function operatorOf(written: string): Operator {
  let rest = written.trim().toLowerCase();
  let set: Operator['set'];
  if (rest.startsWith('foranyvalue:')) {
    set = 'any';
    rest = rest.slice('foranyvalue:'.length);
  } else if (rest.startsWith('forallvalues:')) {
    set = 'all';
    rest = rest.slice('forallvalues:'.length);
  }
  const ifExists = rest.endsWith('ifexists');
  const base = ifExists ? rest.slice(0, -'ifexists'.length) : rest;
  return { base, ifExists, ...(set ? { set } : {}) };
}

const hasWildcard = (value: string) => /[*?]/.test(value);

/** Parses a dotted IPv4 address into its four octets, or undefined. */
function ipv4Octets(address: string): number[] | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/**
 * True for a CIDR (or a bare address) wholly inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or
 * fc00::/7. Anything unreadable is not private.
 */
export function isPrivateCidr(cidr: string): boolean {
  const parts = cidr.trim().split('/');
  if (parts.length > 2 || !parts[0]) return false;
  const [address, bitsText] = parts as [string, string | undefined];
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return false;
  if (address.includes(':')) {
    const bits = bitsText === undefined ? 128 : Number(bitsText);
    if (bits > 128) return false;
    const first = address.split(':')[0] ?? '';
    if (!/^[0-9a-f]{1,4}$/i.test(first)) return false; // `::…` starts with zero bits: not fc00::/7
    return bits >= 7 && (Number.parseInt(first, 16) & 0xfe00) === 0xfc00;
  }
  const octets = ipv4Octets(address);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!octets || bits > 32) return false;
  const [a, b] = octets as [number, number, number, number];
  return (
    (bits >= 8 && a === 10) ||
    (bits >= 12 && a === 172 && b >= 16 && b <= 31) ||
    (bits >= 16 && a === 192 && b === 168)
  );
}

/** Whether one condition value names one boundary exactly (see the module comment). */
function valueRestricts(boundary: Boundary, value: string): boolean {
  const v = value.trim();
  if (v === '') return false;
  switch (boundary) {
    case 'org':
    case 'account':
    case 'endpoint':
      return !hasWildcard(v);
    case 'orgPath': {
      // `o-a1b2c3d4e5/r-ab12/ou-…/*`: wildcards below the organization are fine.
      const org = v.split('/')[0] ?? '';
      return org.length > 2 && !hasWildcard(org);
    }
    case 'arn': {
      const fields = v.split(':');
      if (fields.length < 6) return false;
      const account = fields[4] ?? '';
      // Account-less ARNs (S3 buckets) are global names: only an exact one names a single resource.
      return account === '' ? !hasWildcard(v) : !hasWildcard(account);
    }
    case 'userid': {
      // `AROA…:session` or `AIDA…`: the unique id before the colon must be exact.
      const id = v.split(':')[0] ?? '';
      return id !== '' && !hasWildcard(id);
    }
    case 'ip':
      return isPrivateCidr(v);
  }
}

/** Whether one operator-key-values triple ties the caller to a boundary for this kind of statement. */
function conditionBounds(
  kind: 'allow' | 'deny',
  written: string,
  key: string,
  values: readonly string[],
): boolean {
  const boundary = restrictingKeys.get(key.trim().toLowerCase());
  if (!boundary || values.length === 0) return false;
  const op = operatorOf(written);
  if (kind === 'allow') {
    if (!positiveOperators.has(op.base) || op.ifExists || op.set === 'all') return false;
  } else if (!negatedOperators.has(op.base) || op.set === 'any') {
    return false;
  }
  const ipOperator = op.base === 'ipaddress' || op.base === 'notipaddress';
  if (ipOperator !== (boundary === 'ip')) return false;
  return values.every((v) => valueRestricts(boundary, v));
}

/** `aws:PrincipalIsAWSService: false` under `Bool`: exempts AWS services from a Deny, nobody else. */
function isServiceExemption(written: string, key: string, values: readonly string[]): boolean {
  const op = operatorOf(written);
  return (
    op.base === 'bool' &&
    !op.set &&
    key.trim().toLowerCase() === 'aws:principalisawsservice' &&
    values.length > 0 &&
    values.every((v) => v.trim().toLowerCase() === 'false')
  );
}

function conditionEntries(statement: PolicyStatement): [string, string, string[]][] {
  return Object.entries(statement.conditions).flatMap(([operator, byKey]) =>
    Object.entries(byKey).map(([key, values]): [string, string, string[]] => [operator, key, values]),
  );
}

/**
 * IAM action matching: case-insensitive, `*` for any run of characters and `?` for one, in linear
 * time (a policy is written by whoever controls the account). `undefined` for a pattern too long to be
 * a real action: the caller decides which way that errs.
 */
export function actionMatches(pattern: string, action: string): boolean | undefined {
  return wildcardMatch(pattern.trim(), action, { ignoreCase: true });
}

/**
 * Whether a statement's `Action` (or `NotAction`) covers an action. A pattern that cannot be read
 * errs towards exposure, like the rest of this module: an `Allow` is taken to cover the action and a
 * `Deny` not to.
 */
export function statementCovers(statement: PolicyStatement, action: string): boolean {
  const matches = statement.actions.map((pattern) => actionMatches(pattern, action));
  const listed = matches.includes(true) ? true : matches.includes(undefined) ? undefined : false;
  if (listed === undefined) return statement.effect === 'Allow';
  return statement.notActions ? !listed : listed;
}

/** An `Allow` that names anyone, without a condition that keeps strangers out. */
export function isPublicAllow(statement: PolicyStatement): boolean {
  if (statement.effect !== 'Allow') return false;
  // Allow with NotPrincipal grants everyone except the listed principals (`NotPrincipal: *` excepts all).
  const anyone = statement.notPrincipal ? statement.principals !== '*' : statement.principals === '*';
  if (!anyone) return false;
  return !conditionEntries(statement).some(([op, key, values]) => conditionBounds('allow', op, key, values));
}

/** A `Deny` that, for the actions it covers, leaves only callers inside some boundary. */
export function isPerimeterDeny(statement: PolicyStatement): boolean {
  if (statement.effect !== 'Deny') return false;
  const everyone = statement.notPrincipal
    ? statement.principals !== '*' && statement.principals.length > 0
    : statement.principals === '*';
  if (!everyone) return false;
  return conditionEntries(statement).every(
    ([op, key, values]) => conditionBounds('deny', op, key, values) || isServiceExemption(op, key, values),
  );
}

/**
 * The statements of `policy` that let anyone call one of the actions of interest (by default ECR's
 * pull and push actions), once the policy's perimeter Denies are taken into account.
 */
export function publicStatements(policy: ParsedPolicy): PolicyExposure<'pull' | 'push'>;
export function publicStatements<G extends string>(
  policy: ParsedPolicy,
  actionsOfInterest: ActionGroups<G>,
): PolicyExposure<G>;
export function publicStatements(
  policy: ParsedPolicy,
  actionsOfInterest: ActionGroups<string> = ecrActionGroups,
): PolicyExposure<string> {
  const allows = policy.statements.filter(isPublicAllow);
  const denies = policy.statements.filter(isPerimeterDeny);
  const wanted = [...new Set(Object.values(actionsOfInterest).flat())];
  const exposedActions = wanted.filter(
    (action) =>
      allows.some((s) => statementCovers(s, action)) && !denies.some((s) => statementCovers(s, action)),
  );
  const statements = allows.filter((s) => exposedActions.some((action) => statementCovers(s, action)));
  const exposed: Record<string, boolean> = {};
  for (const [group, actions] of Object.entries(actionsOfInterest)) {
    exposed[group] = actions.some((action) => exposedActions.includes(action));
  }
  return { statements, exposedActions, exposed };
}
