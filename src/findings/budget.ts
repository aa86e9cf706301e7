/**
 * Fixed budgets for what a finding carries. Evidence comes from resources people in member accounts
 * write (rule descriptions, policies, tags), and one security group can hold 1,000 rules: without a
 * budget one finding outgrows a DynamoDB item (400 KB) and every message that quotes it. The engine
 * applies the budget to every rule's findings, so no rule can exceed it; the store's item-size
 * check (`item-size.ts`) is the backstop.
 *
 * Budgeting is a pure function of its input: the same evidence always comes out the same, so
 * reconcile never sees "evidence changed" from the budget alone, and evidence within the budget
 * comes out unchanged.
 */

export interface EvidenceBudget {
  /** Entries kept of a list; a longer list keeps its first ones and ends with a count. */
  listEntries: number;
  /** Characters kept of a string; a longer one is cut and says how much was cut. */
  stringLength: number;
  /** Fields kept of an object (in their order); the rest are counted under `…`. */
  objectKeys: number;
  /** Nesting kept; anything deeper becomes its JSON text (then cut like any string). */
  depth: number;
  /** UTF-8 bytes of the evidence's JSON: over it, lists and strings are cut shorter until it fits. */
  bytes: number;
}

/**
 * The finding's budgets. Messages and remediation match what alerts render at most; evidence keeps
 * enough to act on (the first 20 open permissions of a group, a policy statement) at ≤ 32 KB, so a
 * finding item stays near 50 KB at worst, far below DynamoDB's 400 KB.
 */
export const findingBudget = {
  /** Characters of `message` (one sentence). */
  message: 1_000,
  /** Characters of `remediation` (console steps and a CLI command). */
  remediation: 3_000,
  evidence: {
    listEntries: 20,
    stringLength: 1_000,
    objectKeys: 50,
    depth: 6,
    bytes: 32_000,
  } satisfies EvidenceBudget,
} as const;

/** The smallest cuts the byte budget shrinks lists and strings to before giving up on structure. */
const FLOOR = { listEntries: 1, stringLength: 64 } as const;

/** `text`, or its start and `… [N more characters]` within `max` characters. */
export function boundedText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (omitted: number) => `… [${omitted} more characters]`;
  // The marker's own length depends on the count; the longest count is the whole text's length.
  let keep = Math.max(0, max - marker(text.length).length);
  // Never split a surrogate pair: the cut would leave half a character.
  const last = text.charCodeAt(keep - 1);
  if (keep > 0 && last >= 0xd800 && last <= 0xdbff) keep--;
  return `${text.slice(0, keep)}${marker(text.length - keep)}`;
}

const moreEntries = (omitted: number, total: number) => `… [${omitted} more entries, ${total} in all]`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function bound(value: unknown, budget: EvidenceBudget, depth: number): unknown {
  if (typeof value === 'string') return boundedText(value, budget.stringLength);
  if (value === null || typeof value !== 'object') {
    // Numbers, booleans and undefined pass; bigints and symbols are not JSON: written as text.
    return typeof value === 'bigint' || typeof value === 'symbol' ? String(value) : value;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= budget.depth) return boundedText(JSON.stringify(value) ?? '', budget.stringLength);
  if (Array.isArray(value)) {
    const kept = value.slice(0, budget.listEntries).map((v) => bound(v, budget, depth + 1));
    if (value.length > budget.listEntries) {
      kept.push(moreEntries(value.length - budget.listEntries, value.length));
    }
    return kept;
  }
  if (!isPlainObject(value)) return boundedText(JSON.stringify(value) ?? '', budget.stringLength);
  const entries = Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries.slice(0, budget.objectKeys)) {
    out[boundedText(key, budget.stringLength)] = bound(v, budget, depth + 1);
  }
  if (entries.length > budget.objectKeys) out['…'] = `${entries.length - budget.objectKeys} more fields`;
  return out;
}

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/**
 * The evidence within `budget`: lists keep their first entries and end with a count, strings are
 * cut with a marker, and when the whole is still over `budget.bytes`, lists and strings are cut
 * shorter (halving) until it fits. Evidence already within the budget comes out equal to itself.
 */
export function boundedEvidence(
  evidence: Record<string, unknown>,
  budget: EvidenceBudget = findingBudget.evidence,
): Record<string, unknown> {
  let current = budget;
  for (;;) {
    const bounded = bound(evidence, current, 0) as Record<string, unknown>;
    if (jsonBytes(bounded) <= budget.bytes) return bounded;
    if (current.listEntries <= FLOOR.listEntries && current.stringLength <= FLOOR.stringLength) {
      // Too many fields even at the smallest cuts: keep its start as text, which always fits.
      return {
        evidenceCut: boundedText(JSON.stringify(bounded), Math.floor(budget.bytes / 4)),
      };
    }
    current = {
      ...current,
      listEntries: Math.max(FLOOR.listEntries, Math.floor(current.listEntries / 2)),
      stringLength: Math.max(FLOOR.stringLength, Math.floor(current.stringLength / 2)),
    };
  }
}
