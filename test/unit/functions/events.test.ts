import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { accountIdPattern, regionPattern } from '../../../src/config/settings.ts';
import { InvalidEventError, MAX_LISTED_PROBLEMS } from '../../../src/lambda/errors.ts';
import {
  closest,
  eventLimits,
  onDemandEventSchema,
  parseEvent,
  planEventSchema,
  scanTargetEventSchema,
  summarizeEventSchema,
} from '../../../src/lambda/events.ts';

const ruleIds = allRules.map((r) => r.id);
const parseOnDemand = (event: unknown) =>
  parseEvent(onDemandEventSchema(ruleIds), event, 'scan', { knownRuleIds: ruleIds });

function rejection(parse: () => unknown): InvalidEventError {
  try {
    parse();
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected the event to be rejected');
}

describe('the on-demand event', () => {
  it.each([
    ['{}', {}],
    ['accounts and regions', { accounts: ['111111111111'], regions: ['eu-west-1'] }],
    ['rules and notify', { accounts: ['111111111111'], rules: ['ec2-instance-os-eol'], notify: false }],
    ['the keywords', { accounts: 'organization', regions: 'all', dryRun: true }],
  ])('accepts %s', (_, event) => {
    expect(parseOnDemand(event)).toEqual(event);
  });

  it.each([
    ['an unknown key', { acount: ['111111111111'] }, ['unknown key "acount"; did you mean "accounts"?']],
    [
      'a malformed account id',
      { accounts: ['11111111111'] },
      ['accounts[1]: an account id is 12 digits (got "11111111111")'],
    ],
    [
      'a malformed region',
      { regions: ['eu-west-1', 'EU_WEST'] },
      ['regions[2]: a region looks like "eu-west-1" (got "EU_WEST")'],
    ],
    [
      'an unknown rule id',
      { rules: ['ec2-instance-os-eol', 'ec2-os-eol'] },
      ['rules[2]: unknown rule id "ec2-os-eol"; did you mean "ec2-instance-os-eol"?'],
    ],
    ['a string for a boolean', { notify: 'false' }, ['notify: must be true or false (got "false")']],
    [
      'a number for a list',
      { regions: 3 },
      ['regions: must be "all" or a list of regions, e.g. ["eu-west-1"] (got 3)'],
    ],
    [
      'the "organisation" typo',
      { accounts: 'organisation' },
      [
        'accounts: must be "organization" or a list of 12-digit account ids (got "organisation"; did you mean "organization"?)',
      ],
    ],
    [
      'one account not in a list',
      { accounts: '111111111111' },
      [
        'accounts: must be "organization" or a list of 12-digit account ids (got "111111111111"; a single one still goes in a list: ["111111111111"])',
      ],
    ],
    [
      'an empty list',
      { accounts: [] },
      ['accounts: give at least one, or leave the key out for the default'],
    ],
    ['not an object', ['111111111111'], ['the event must be a JSON object, e.g. {} (got a list)']],
    ['null', null, ['the event must be a JSON object, e.g. {} (got null)']],
  ])('rejects %s with a clear problem', (_, event, problems) => {
    const error = rejection(() => parseOnDemand(event));

    expect(error.problems).toEqual(problems);
    expect(error.message).toContain(problems[0]);
    expect(error.message).toMatch(/^Invalid scan event \(1 problem\):/);
    expect(error.message).toMatch(/Nothing was scanned or written\.$/);
  });

  it('lists every problem of an event in one error, with the keys and rule ids it takes', () => {
    // Act
    const error = rejection(() =>
      parseOnDemand({
        accounts: ['123', 111111111111],
        regions: ['mars-north-1'],
        rules: ['no-such-rule'],
        notify: 1,
        dryRun: null,
        verbose: true,
      }),
    );

    // Assess
    expect(error.name).toBe('InvalidEventError');
    expect(error.problems).toEqual([
      'accounts[1]: an account id is 12 digits (got "123")',
      'accounts[2]: an account id is a string of 12 digits (got 111111111111)',
      'regions[1]: a region looks like "eu-west-1" (got "mars-north-1")',
      'rules[1]: unknown rule id "no-such-rule"',
      'notify: must be true or false (got 1)',
      'dryRun: must be true or false (got null)',
      'unknown key "verbose"',
    ]);
    expect(error.message).toMatch(/^Invalid scan event \(7 problems\):\n {2}accounts\[1\]/);
    expect(error.message).toContain(
      'The scan event takes "accounts", "regions", "rules", "notify", "dryRun".',
    );
    expect(error.message).toContain(`Known rule ids: ${ruleIds.join(', ')}.`);
  });

  it('either accepts a JSON value, well-formed, or rejects it with InvalidEventError: never another exception', () => {
    const wellFormed = (event: Record<string, unknown>) =>
      Object.keys(event).every((k) => ['accounts', 'regions', 'rules', 'notify', 'dryRun'].includes(k)) &&
      (event.accounts === undefined ||
        event.accounts === 'organization' ||
        (Array.isArray(event.accounts) &&
          event.accounts.length > 0 &&
          event.accounts.every((a) => typeof a === 'string' && accountIdPattern.test(a)))) &&
      (event.regions === undefined ||
        event.regions === 'all' ||
        (Array.isArray(event.regions) &&
          event.regions.length > 0 &&
          event.regions.every((r) => typeof r === 'string' && regionPattern.test(r)))) &&
      (event.rules === undefined ||
        (Array.isArray(event.rules) &&
          event.rules.length > 0 &&
          event.rules.every((r) => ruleIds.includes(r)))) &&
      ['undefined', 'boolean'].includes(typeof event.notify) &&
      ['undefined', 'boolean'].includes(typeof event.dryRun);

    // Arbitrary JSON, and objects near the real shape (right keys, values of any kind or close to valid).
    const nearValid = fc.record(
      {
        accounts: fc.oneof(
          fc.constantFrom('organization', 'organisation', '111111111111'),
          fc.array(fc.oneof(fc.stringMatching(/^\d{10,13}$/), fc.jsonValue()), { maxLength: 3 }),
          fc.jsonValue(),
        ),
        regions: fc.oneof(
          fc.constantFrom('all', 'eu-west-1'),
          fc.array(fc.oneof(fc.constantFrom('eu-west-1', 'us-east-1', 'eu-west'), fc.string()), {
            maxLength: 3,
          }),
        ),
        rules: fc.array(fc.oneof(fc.constantFrom(...ruleIds), fc.string()), { maxLength: 3 }),
        notify: fc.oneof(fc.boolean(), fc.jsonValue()),
        dryRun: fc.oneof(fc.boolean(), fc.jsonValue()),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), nearValid), (event) => {
        let parsed: unknown;
        try {
          parsed = parseOnDemand(event);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidEventError);
          const { problems, message } = error as InvalidEventError;
          expect(problems.length).toBeGreaterThan(0);
          for (const problem of problems) expect(message).toContain(problem);
          return;
        }
        expect(wellFormed(parsed as Record<string, unknown>)).toBe(true);
        expect(parsed).toEqual(event);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the on-demand event, bounded', () => {
  const many = <T>(n: number, item: (i: number) => T) => Array.from({ length: n }, (_, i) => item(i));
  const account = (i: number) => String(100_000_000_000 + i);

  it.each([
    ['1,000 account ids', { accounts: many(eventLimits.accounts, account) }],
    ['100 regions', { regions: many(eventLimits.regions, () => 'eu-west-1') }],
    ['every rule id twice', { rules: [...ruleIds, ...ruleIds] }],
  ])('accepts %s (the limits)', (_, event) => {
    expect(parseOnDemand(event)).toEqual(event);
  });

  it.each([
    [
      'one account id too many',
      { accounts: many(eventLimits.accounts + 1, account) },
      'accounts: at most 1,000 12-digit account ids (got 1,001); "organization" names them all',
    ],
    [
      'one region too many',
      { regions: many(eventLimits.regions + 1, () => 'eu-west-1') },
      'regions: at most 100 regions (got 101); "all" names them all',
    ],
    [
      'one rule id too many',
      { rules: [...ruleIds, ...ruleIds, ruleIds[0]] },
      `rules: at most ${ruleIds.length * 2} rule ids (got ${ruleIds.length * 2 + 1}; there are ${ruleIds.length} rules), or leave "rules" out for every rule`,
    ],
  ])('refuses %s with one problem, before looking at the items', (_, event, problem) => {
    expect(rejection(() => parseOnDemand(event)).problems).toEqual([problem]);
  });

  it('refuses a 2 MB rule id by its length, quoting 60 characters of it and suggesting nothing', () => {
    // Prepare: an id that starts like a real one, which a suggestion would otherwise compare.
    const id = `ec2-instance-os-eol${'x'.repeat(2 * 1024 * 1024)}`;

    // Act
    const error = rejection(() => parseOnDemand({ rules: [id] }));

    // Assess
    expect(error.problems).toEqual([
      'rules[1]: a rule id has at most 128 characters (got 2,097,171 characters: "ec2-instance-os-eolxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...)',
    ]);
    expect(error.message).not.toContain('Known rule ids');
  });

  it('suggests only for short input: the edit distance is quadratic', () => {
    expect(closest('organisation', ['organization'])).toBe('organization');
    expect(
      closest(`organisation${' '.repeat(eventLimits.suggestionInput)}`, ['organization']),
    ).toBeUndefined();
  });

  it('quotes a long string given for a list without copying it into the hint', () => {
    // Act
    const error = rejection(() =>
      parseOnDemand({ accounts: '1'.repeat(100_000), rules: 'r'.repeat(100_000) }),
    );

    // Assess
    expect(error.problems).toEqual([
      `accounts: must be "organization" or a list of 12-digit account ids (got "${'1'.repeat(56)}...)`,
      `rules: must be a list of rule ids, e.g. ["s3-bucket-versioning-disabled"] (got "${'r'.repeat(56)}...)`,
    ]);
  });

  it('lists at most 20 problems, each at most 300 characters, and counts the rest', () => {
    // Prepare: 50,000 unknown keys, 30 unknown rule ids
    const event = {
      rules: many(30, (i) => `no-such-rule-${i}`),
      ...Object.fromEntries(many(50_000, (i) => [`key-${i}`, true])),
    };

    // Act
    const error = rejection(() => parseOnDemand(event));

    // Assess
    expect(error.problems).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(error.problems.at(-1)).toBe('…and 50,010 more');
    expect(error.message).toMatch(
      /^Invalid scan event \(50,030 problems\):\n {2}rules\[1\]: unknown rule id/,
    );
    for (const problem of error.problems) expect(problem.length).toBeLessThanOrEqual(300);
    expect(error.message.length).toBeLessThan(4_000);
  });

  it('cuts a problem line to 300 characters', () => {
    // Act
    const error = new InvalidEventError('scan', ['p'.repeat(10_000)]);

    // Assess
    expect(error.problems).toEqual([`${'p'.repeat(299)}…`]);
  });
});

describe("the state machine's events", () => {
  it('plan takes {} from the schedule and a run id from the on-demand function, nothing else', () => {
    const schema = planEventSchema(ruleIds);
    expect(parseEvent(schema, {}, 'plan')).toEqual({});
    expect(parseEvent(schema, { runId: '20261125T120000Z-1a2b3c4d-quiet', regions: 'all' }, 'plan')).toEqual({
      runId: '20261125T120000Z-1a2b3c4d-quiet',
      regions: 'all',
    });
    expect(rejection(() => parseEvent(schema, { runId: 'a b', version: '0' }, 'plan')).problems).toEqual([
      'runId: a run id has 1-80 letters, digits, - or _ (got "a b")',
      'unknown key "version"',
    ]);
  });

  it('scan-target needs the run, its start and a well-formed target', () => {
    const schema = scanTargetEventSchema(ruleIds);
    const error = rejection(() =>
      parseEvent(
        schema,
        { runId: 'r1', startedAt: 'yesterday', target: { accountId: '1', region: 'eu-west-1' } },
        'scan-target',
      ),
    );
    expect(error.problems).toEqual([
      'startedAt: an ISO 8601 time like "2026-11-25T12:00:00.000Z" (got "yesterday")',
      'target.accountId: an account id is 12 digits (got "1")',
    ]);
  });

  it("scan-target takes the map item as the definition builds it, the run items' ttl included", () => {
    const item = {
      runId: '20261125T120000Z-1a2b3c4d',
      startedAt: '2026-11-25T12:00:00.000Z',
      rules: ['ec2-instance-os-eol'],
      ttl: 1_772_020_800,
      target: { accountId: '111111111111', region: 'eu-west-1' },
    };
    expect(parseEvent(scanTargetEventSchema(ruleIds), item, 'scan-target')).toEqual(item);
  });

  it('summarize takes the run (its outcomes are read from the store) and says what is wrong with it', () => {
    const ok = parseEvent(
      summarizeEventSchema,
      {
        runId: 'r1',
        startedAt: '2026-11-25T12:00:00.000Z',
        targetCount: 17_000,
        // More of the state coming along is ignored.
        targetsKey: 'runs/r1/targets.json',
      },
      'summarize',
    );
    expect(ok).toMatchObject({ runId: 'r1', targetCount: 17_000 });
    expect(
      parseEvent(summarizeEventSchema, { runId: 'r1', startedAt: '2026-11-25T12:00:00Z' }, 'summarize'),
    ).toEqual({ runId: 'r1', startedAt: '2026-11-25T12:00:00Z' });
    const error = rejection(() =>
      parseEvent(
        summarizeEventSchema,
        { runId: 'r 1', startedAt: '2026-11-25T12:00:00Z', targetCount: -3 },
        'summarize',
      ),
    );
    expect(error.problems).toEqual([
      'runId: a run id has 1-80 letters, digits, - or _ (got "r 1")',
      'targetCount: a count is a whole number (got -3)',
    ]);
  });
});
