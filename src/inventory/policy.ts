/**
 * Resource policy parsing: turns IAM policy JSON (an ECR repository policy, a bucket policy) into
 * `PolicyStatement`s that rules can read without knowing the grammar's shortcuts.
 *
 * The grammar lets one thing be written several ways: `Statement` as one object or an array,
 * `Principal` as `"*"`, `{"AWS": "*"}` or `{"AWS": ["*"]}`, `Action` as a string or an array,
 * condition values as strings, numbers, booleans or arrays of them. Each is normalized here once.
 *
 * A policy that cannot be read is never an empty (clean-looking) policy: it keeps its raw text and a
 * `parseError`, and rules treat it as unknown. A malformed statement is reported the same way, while
 * the well-formed statements beside it are kept.
 */
import type { ParsedPolicy, PolicyStatement } from './types.ts';

/** Principal types whose values are kept, in this order. */
const principalTypes = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One value or a list of values, as strings. */
function stringList(value: Json | undefined): string[] {
  if (value === undefined || value === null) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v) => v !== null && typeof v !== 'object').map((v) => String(v));
}

/** `'*'` when the principal is anyone, else the listed principals. */
function principalsOf(principal: Json | undefined): '*' | string[] {
  if (principal === undefined || principal === null) return [];
  if (!isObject(principal)) return stringList(principal).includes('*') ? '*' : stringList(principal);
  // Only an `AWS` wildcard means "any account, any user"; `{"Service": "*"}` is not valid IAM.
  if (stringList(principal.AWS).includes('*')) return '*';
  return principalTypes.flatMap((type) => stringList(principal[type]));
}

function conditionsOf(condition: Json | undefined): PolicyStatement['conditions'] {
  const conditions: PolicyStatement['conditions'] = {};
  if (!isObject(condition)) return conditions;
  for (const [operator, byKey] of Object.entries(condition)) {
    if (!isObject(byKey)) continue;
    // Condition keys are case-insensitive in IAM; they are kept as written and compared by rules.
    const keys: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(byKey)) keys[key] = stringList(values);
    conditions[operator] = keys;
  }
  return conditions;
}

function statementOf(raw: Json, index: number): PolicyStatement | string {
  if (!isObject(raw)) return `Statement ${index} is not an object`;
  const effect = raw.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') return `Statement ${index} has no valid Effect`;
  const notPrincipal = raw.NotPrincipal !== undefined;
  const notActions = raw.NotAction !== undefined;
  return {
    ...(typeof raw.Sid === 'string' ? { sid: raw.Sid } : {}),
    effect,
    principals: principalsOf(notPrincipal ? raw.NotPrincipal : raw.Principal),
    notPrincipal,
    actions: stringList(notActions ? raw.NotAction : raw.Action),
    notActions,
    conditions: conditionsOf(raw.Condition),
  };
}

/** Parses policy JSON; never throws. */
export function parsePolicy(raw: string): ParsedPolicy {
  let document: Json;
  try {
    document = JSON.parse(raw) as Json;
  } catch (error) {
    return { raw, statements: [], parseError: `not valid JSON: ${(error as Error).message}` };
  }
  if (!isObject(document)) return { raw, statements: [], parseError: 'not a policy document (an object)' };
  const rawStatements = document.Statement;
  if (rawStatements === undefined || rawStatements === null) {
    return { raw, statements: [], parseError: 'the policy has no Statement' };
  }
  const statements: PolicyStatement[] = [];
  const problems: string[] = [];
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  list.forEach((item, index) => {
    const parsed = statementOf(item, index);
    if (typeof parsed === 'string') problems.push(parsed);
    else statements.push(parsed);
  });
  return { raw, statements, ...(problems.length > 0 ? { parseError: problems.join('; ') } : {}) };
}
