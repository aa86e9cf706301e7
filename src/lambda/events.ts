/**
 * The input of every function, validated with a schema before anything runs. A bad event is
 * rejected with one `InvalidEventError` listing every problem, in the event's own terms (JSON keys,
 * list items counted from 1), with a suggestion where a typo is likely.
 *
 * The on-demand event and the plan's input are typed by people (the Lambda console, a schedule's
 * input): unknown keys are errors. The inputs the state machine builds (`scan-target`, `summarize`)
 * tolerate extra keys (a map item carries the run's `ttl` for the RecordFailure state, and a state
 * may carry more of the execution's data along); the keys they read are checked all the same.
 *
 * Lists and strings are bounded before anything looks at their items (`eventLimits`): a 2 MB rule
 * id or 50,000 account ids is refused at once with one short problem, the typo suggestions only
 * ever compare short strings, and the error lists at most 20 problems (see InvalidEventError).
 */
import * as z from 'zod';
import { accountIdPattern, issuePath, regionPattern } from '../config/settings.ts';
import { runIdPattern } from '../scan/run-id.ts';
import { InvalidEventError, MAX_LISTED_PROBLEMS } from './errors.ts';

/** The bounds of a person-typed event, checked before its items are. */
export const eventLimits = {
  /** Account ids in one request; `"organization"` names any number. */
  accounts: 1_000,
  /** Regions in one request: about three times the regions AWS has; `"all"` names every one. */
  regions: 100,
  /** Rule ids in one request, per known rule (a few repeated ids are harmless). */
  rulesPerKnownRule: 2,
  /** The longest rule id looked at (the longest real one is about 40 characters). */
  ruleIdLength: 128,
  /** The longest string a "did you mean" compares: the edit distance is quadratic. */
  suggestionInput: 128,
} as const;

/** How a value is quoted in a message: short, and typed when it is not a string. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  // Cut before quoting: a huge string is not copied whole to show 60 characters of it.
  const text = JSON.stringify(typeof value === 'string' ? value.slice(0, 100) : value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `1,000` */
const counted = (n: number) => n.toLocaleString('en-US');

/** The hint for one item given where a list belongs, when the item is short enough to quote. */
const inAList = (value: string) =>
  value.length <= 64 ? `; a single one still goes in a list: ["${value}"]` : '';

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The candidate a typo most likely meant, if one is close enough. */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  if (value.length > eventLimits.suggestionInput) return undefined;
  const typed = value.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (best && best.distance <= Math.max(2, Math.floor(best.candidate.length / 4))) return best.candidate;
  // Fragments of one id (`s3-versioning`) name it well enough when no other id has them all.
  const words = typed.split(/[^a-z0-9]+/).filter((w) => w.length >= 2);
  const containing = candidates.filter(
    (c) => words.length > 0 && words.join('').length >= 4 && words.every((w) => c.toLowerCase().includes(w)),
  );
  return containing.length === 1 ? containing[0] : undefined;
}

const didYouMean = (value: string, candidates: readonly string[]) => {
  const guess = closest(value, candidates);
  return guess ? `; did you mean "${guess}"?` : '';
};

const accountId = z
  .string({ error: (issue) => `an account id is a string of 12 digits (got ${shown(issue.input)})` })
  .regex(accountIdPattern, { error: (issue) => `an account id is 12 digits (got ${shown(issue.input)})` });
const regionName = z
  .string({ error: (issue) => `a region is a string like "eu-west-1" (got ${shown(issue.input)})` })
  .regex(regionPattern, { error: (issue) => `a region looks like "eu-west-1" (got ${shown(issue.input)})` });

/** A non-empty list of at most `what.max` of `item`, or the one keyword (`organization`, `all`). */
function listOrKeyword<T, K extends string>(
  keyword: K,
  item: z.ZodType<T>,
  what: { items: string; example: string; looksLikeItem: RegExp; max: number },
) {
  const list = z.array(item).min(1, `give at least one, or leave the key out for the default`);
  const expected = `must be "${keyword}" or a list of ${what.items}`;
  return z.unknown().transform((value, ctx): T[] | K => {
    if (value === keyword) return keyword;
    if (typeof value === 'string') {
      const hint = what.looksLikeItem.test(value) ? inAList(value) : didYouMean(value, [keyword]);
      ctx.addIssue({ code: 'custom', message: `${expected} (got ${shown(value)}${hint})`, input: value });
      return z.NEVER;
    }
    if (!Array.isArray(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `${expected}, e.g. ${what.example} (got ${shown(value)})`,
        input: value,
      });
      return z.NEVER;
    }
    if (value.length > what.max) {
      ctx.addIssue({
        code: 'custom',
        message: `at most ${counted(what.max)} ${what.items} (got ${counted(value.length)}); "${keyword}" names them all`,
        input: value,
      });
      return z.NEVER;
    }
    const parsed = list.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
    }
    return z.NEVER;
  });
}

const accounts = listOrKeyword('organization', accountId, {
  items: '12-digit account ids',
  example: '["111111111111"]',
  looksLikeItem: /^\d+$/,
  max: eventLimits.accounts,
});
const regions = listOrKeyword('all', regionName, {
  items: 'regions',
  example: '["eu-west-1"]',
  looksLikeItem: /^[a-z]{2}-/,
  max: eventLimits.regions,
});

/**
 * A non-empty list of known rule ids, at most `rulesPerKnownRule` per known rule; every unknown one
 * is named, with the likeliest meant.
 */
function ruleIds(known: readonly string[]) {
  const knownSet = new Set(known);
  const max = Math.max(1, known.length) * eventLimits.rulesPerKnownRule;
  return z.unknown().transform((value, ctx): string[] => {
    if (!Array.isArray(value)) {
      const hint = typeof value === 'string' ? inAList(value) : '';
      ctx.addIssue({
        code: 'custom',
        message: `must be a list of rule ids, e.g. ["s3-bucket-versioning-disabled"] (got ${shown(value)}${hint})`,
        input: value,
      });
      return z.NEVER;
    }
    if (!value.length) {
      ctx.addIssue({
        code: 'custom',
        message: 'give at least one rule id, or leave "rules" out for every rule',
        input: value,
      });
    }
    if (value.length > max) {
      ctx.addIssue({
        code: 'custom',
        message: `at most ${counted(max)} rule ids (got ${counted(value.length)}; there are ${known.length} rules), or leave "rules" out for every rule`,
        input: value,
      });
      return z.NEVER;
    }
    value.forEach((id, i) => {
      const message =
        typeof id !== 'string'
          ? `a rule id is a string (got ${shown(id)})`
          : knownSet.has(id)
            ? undefined
            : id.length > eventLimits.ruleIdLength
              ? `a rule id has at most ${eventLimits.ruleIdLength} characters (got ${counted(id.length)} characters: ${shown(id)})`
              : `unknown rule id ${shown(id)}${didYouMean(id, known)}`;
      if (message) ctx.addIssue({ code: 'custom', message, path: [i], input: id });
    });
    return value as string[];
  });
}

const flag = z.boolean({ error: (issue) => `must be true or false (got ${shown(issue.input)})` });
const runId = z
  .string({ error: (issue) => `a run id is a string (got ${shown(issue.input)})` })
  .regex(runIdPattern, {
    error: (issue) => `a run id has 1-80 letters, digits, - or _ (got ${shown(issue.input)})`,
  });
const isoTime = z.iso.datetime({
  offset: true,
  error: (issue) => `an ISO 8601 time like "2026-11-25T12:00:00.000Z" (got ${shown(issue.input)})`,
});

/** `{}` or `{"accounts": [...] | "organization", "regions": [...] | "all", "rules": [...], "notify": true, "dryRun": false}`. */
export function onDemandEventSchema(knownRuleIds: readonly string[]) {
  return z.strictObject({
    accounts: accounts.optional(),
    regions: regions.optional(),
    rules: ruleIds(knownRuleIds).optional(),
    /** Announce the changes (default). `false` records them without a message. */
    notify: flag.optional(),
    /** Evaluate and return, write nothing, announce nothing. */
    dryRun: flag.optional(),
  });
}
export type OnDemandEvent = z.output<ReturnType<typeof onDemandEventSchema>>;

/** The state machine's input, from the schedule (`{}`) or the on-demand function. */
export function planEventSchema(knownRuleIds: readonly string[]) {
  return z.strictObject({
    runId: runId.optional(),
    accounts: accounts.optional(),
    regions: regions.optional(),
    rules: ruleIds(knownRuleIds).optional(),
  });
}
export type PlanEvent = z.output<ReturnType<typeof planEventSchema>>;

/**
 * The deployed configuration's version a run evaluates (an S3 version id, `none` or `latest`; see
 * config/deployed-config.ts), as plan returns it.
 */
const configVersion = z
  .string({ error: (issue) => `a configuration version is a string (got ${shown(issue.input)})` })
  .regex(/^[\w.+/=-]{1,1024}$/, {
    error: (issue) =>
      `a configuration version is an S3 version id, "none" or "latest" (got ${shown(issue.input)})`,
  });

/** One item of the Distributed Map: the run, its configuration version and one account × region. */
export function scanTargetEventSchema(knownRuleIds: readonly string[]) {
  return z.looseObject({
    runId,
    startedAt: isoTime,
    rules: ruleIds(knownRuleIds).optional(),
    configVersion: configVersion.optional(),
    target: z.strictObject({ accountId, region: regionName }),
  });
}
export type ScanTargetEvent = z.output<ReturnType<typeof scanTargetEventSchema>>;

const count = z
  .number({ error: (issue) => `a count is a whole number (got ${shown(issue.input)})` })
  .int({ error: (issue) => `a count is a whole number (got ${shown(issue.input)})` })
  .min(0, { error: (issue) => `a count is a whole number (got ${shown(issue.input)})` });

/**
 * The state machine's last step: the run to summarize. Its targets' outcomes are read from the
 * store, not passed in (they would not fit in a state); `targetCount` (the plan's) tells how many
 * outcomes to expect.
 */
export const summarizeEventSchema = z.looseObject({
  runId,
  startedAt: isoTime,
  targetCount: count.optional(),
});
export type SummarizeEvent = z.output<typeof summarizeEventSchema>;

/** A DynamoDB stream batch as Lambda delivers it (only the parts the notifier reads are checked). */
export const streamEventSchema = z.looseObject({
  Records: z.array(
    z.looseObject({
      eventName: z.string().optional(),
      dynamodb: z
        .looseObject({
          SequenceNumber: z.string().optional(),
          NewImage: z.record(z.string(), z.unknown()).optional(),
          OldImage: z.record(z.string(), z.unknown()).optional(),
        })
        .optional(),
    }),
  ),
});
export type StreamEvent = z.output<typeof streamEventSchema>;

/** An SNS batch as Lambda delivers it to a subscribed function. */
export const snsEventSchema = z.looseObject({
  Records: z.array(
    z.looseObject({
      EventSource: z.string().optional(),
      Sns: z.looseObject({
        MessageId: z.string().optional(),
        Subject: z.string().nullable().optional(),
        Message: z.string(),
        MessageAttributes: z
          .record(z.string(), z.looseObject({ Type: z.string(), Value: z.string() }))
          .optional(),
      }),
    }),
  ),
});
export type SnsEvent = z.output<typeof snsEventSchema>;

/** One line per problem, in the event's own terms. */
function problemsOf(error: z.ZodError, allowedKeys: readonly string[]): string[] {
  return error.issues.flatMap((issue) => {
    const path = issuePath(issue.path, { kebabCase: false });
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length ? `${path}: ` : '';
      // Only the keys the message lists get a suggestion: 50,000 unknown keys cost no more than 20.
      return issue.keys.map((key, i) => {
        const guess = issue.path.length || i >= MAX_LISTED_PROBLEMS ? undefined : closest(key, allowedKeys);
        return `${where}unknown key ${shown(key)}${guess ? `; did you mean "${guess}"?` : ''}`;
      });
    }
    if (issue.code === 'invalid_type' && !issue.path.length) {
      return [`the event must be a JSON object, e.g. {} (got ${shown(issue.input)})`];
    }
    return [`${path}: ${issue.message}`];
  });
}

/**
 * Parses an event with its schema; throws `InvalidEventError` listing every problem. Never throws
 * anything else, whatever the input.
 */
export function parseEvent<S extends z.ZodType>(
  schema: S,
  event: unknown,
  functionName: string,
  options: { knownRuleIds?: readonly string[] } = {},
): z.output<S> {
  const parsed = schema.safeParse(event, { reportInput: true });
  if (parsed.success) return parsed.data;
  const allowedKeys =
    schema instanceof z.ZodObject ? Object.keys((schema as z.ZodObject).shape) : ([] as string[]);
  const problems = problemsOf(parsed.error, allowedKeys);
  const hints = [
    ...(problems.some((p) => p.includes('unknown key'))
      ? [`The ${functionName} event takes ${allowedKeys.map((k) => `"${k}"`).join(', ')}.`]
      : []),
    ...(problems.some((p) => p.includes('unknown rule id'))
      ? [`Known rule ids: ${options.knownRuleIds?.join(', ') ?? "see 'estatescan rules'"}.`]
      : []),
  ];
  throw new InvalidEventError(functionName, problems, hints.length ? hints.join('\n') : undefined);
}
