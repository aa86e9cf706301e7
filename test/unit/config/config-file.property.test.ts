import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { stringify } from 'yaml';
import { allRules } from '../../../rules/index.ts';
import { main } from '../../../src/cli/main.ts';
import { type ConfigFile, parseConfig } from '../../../src/config/config-file.ts';
import { UsageError } from '../../../src/errors.ts';
import { severities } from '../../../src/findings/types.ts';
import { captureIo } from '../../support/capture-io.ts';

const NAME = 'c.yml';
const ruleIds = allRules.map((r) => r.id);
const known = new Set(ruleIds);

type Outcome = { ok: true; config: ConfigFile } | { ok: false; problems: string[] };

/**
 * Parses, and checks the contract on the way: either a configuration, or a `UsageError` listing at
 * least one problem, each naming the file. Any other exception fails the property.
 */
function parse(text: string): Outcome {
  try {
    return { ok: true, config: parseConfig(text, NAME, known) };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) expect(problem.startsWith(NAME)).toBe(true);
    return { ok: false, problems: error.problems };
  }
}

/** Written as a person would: YAML, or JSON (which is YAML too). */
function write(value: unknown, format: 'yaml' | 'json'): string {
  return format === 'json' ? JSON.stringify(value, null, 2) : stringify(value, { lineWidth: 0 });
}
const formatArb = fc.constantFrom<'yaml' | 'json'>('yaml', 'json');

// ---------------------------------------------------------------- well-formed configurations

const accountIdArb = fc.stringMatching(/^\d{12}$/);
const regionArb = fc.constantFrom(
  'eu-west-1',
  'us-east-1',
  'ap-southeast-2',
  'us-gov-west-1',
  'eu-central-2',
);
const ruleIdArb = fc.constantFrom(...ruleIds);
const dayArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .chain((d) => fc.constantFrom(d.toISOString().slice(0, 10), d.toISOString()));
/** Any printable text, including YAML's own punctuation, which the writer must quote. */
const textArb = (minLength: number) => fc.string({ minLength, maxLength: 40 });

const targetsArb = fc.record(
  {
    accounts: fc.oneof(
      fc.constant('organization' as const),
      fc.array(accountIdArb, { minLength: 1, maxLength: 4 }),
    ),
    excludeAccounts: fc.array(accountIdArb, { maxLength: 3 }),
    regions: fc.oneof(fc.constant('all' as const), fc.array(regionArb, { minLength: 1, maxLength: 3 })),
    roleName: fc.stringMatching(/^[\w+=,.@-]{1,64}$/),
    externalId: textArb(2),
    assumeRoleInCallerAccount: fc.boolean(),
  },
  { requiredKeys: [] },
);
const rulesArb = fc.record(
  {
    enabled: fc.array(ruleIdArb, { maxLength: 4 }),
    disabled: fc.array(ruleIdArb, { maxLength: 4 }),
    severity: fc.dictionary(ruleIdArb, fc.constantFrom(...severities), { maxKeys: 4 }),
  },
  { requiredKeys: [] },
);
const settingsArb = fc.record(
  {
    authorizedPorts: fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 5 }),
    warningDays: fc.integer({ min: 0, max: 3650 }),
    connectionLostHours: fc.integer({ min: 1, max: 24 * 365 }),
  },
  { requiredKeys: [] },
);
const performanceArb = fc.record(
  {
    targetConcurrency: fc.integer({ min: 1, max: 256 }),
    itemConcurrency: fc.integer({ min: 1, max: 64 }),
    maxAttempts: fc.integer({ min: 1, max: 20 }),
    retryMode: fc.constantFrom('standard', 'adaptive'),
  },
  { requiredKeys: [] },
);
const suppressionArb = fc.record(
  {
    rule: fc.oneof(fc.constant('*'), ruleIdArb),
    resource: textArb(1),
    account: accountIdArb,
    region: regionArb,
    reason: textArb(3),
    owner: textArb(1),
    expires: dayArb,
  },
  { requiredKeys: ['rule', 'resource', 'reason', 'owner', 'expires'] },
);
const configArb = fc.record(
  {
    targets: targetsArb,
    rules: rulesArb,
    settings: settingsArb,
    performance: performanceArb,
    suppressions: fc.array(suppressionArb, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

// ---------------------------------------------------------------- malformed input

/** Strings that look like the values the schema checks (dates, account ids, regions, rule ids). */
const lookalikeArb = fc.oneof(
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$/),
  fc.stringMatching(/^\d{10,14}$/),
  fc.stringMatching(/^[a-z]{1,3}(-[a-z]{1,9}){0,2}-\d{1,2}$/),
  fc.stringMatching(/^[a-z0-9]{0,8}(-[a-z0-9]{1,8}){0,3}$/),
  fc.constantFrom('organization', 'all', '*', '', 'null', 'true', '~', '0x1F', '1e3', '.nan'),
);
/** Keys a confused person might put anywhere. */
const configKeys = [
  'targets',
  'rules',
  'settings',
  'performance',
  'suppressions',
  'accounts',
  'regions',
  'enabled',
  'severity',
  'expires',
  'rule',
  'account',
  'warningDays',
  'retryMode',
];
/** Any value, leaning on what a confused person would write. */
const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }),
    lookalikeArb,
    fc.integer({ min: -70000, max: 70000 }),
    fc.double(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...configKeys)), tie('value'), {
      maxKeys: 3,
    }),
  ),
})).value;

/** A well-formed configuration with one value somewhere replaced by anything. */
function withOneValueReplaced(
  config: Record<string, unknown>,
  path: number[],
  replacement: unknown,
): unknown {
  const copy = structuredClone(config) as Record<string, unknown>;
  let node: unknown = copy;
  for (let depth = 0; depth < path.length; depth++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[path[depth]! % keys.length]!;
    const child = (node as Record<string, unknown>)[key];
    if (
      depth === path.length - 1 ||
      child === null ||
      typeof child !== 'object' ||
      !Object.keys(child).length
    ) {
      (node as Record<string, unknown>)[key] = replacement;
      return copy;
    }
    node = child;
  }
  return { ...copy, [`extra${path.length}`]: replacement };
}

const isRealDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return days !== undefined && d >= 1 && d <= days;
};

describe('the configuration file, over generated input (fast-check)', () => {
  // The YAML parser reports what it tolerates (unknown tags and directives, ambiguous aliases) as
  // process warnings; hundreds of generated files would print hundreds of them.
  let warnings: MockInstance<typeof process.emitWarning>;
  beforeAll(() => {
    warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterAll(() => {
    warnings.mockRestore();
  });

  it('accepts every well-formed configuration and reads back what was written, in YAML or JSON', () => {
    fc.assert(
      fc.property(configArb, formatArb, (config, format) => {
        const outcome = parse(write(config, format));
        if (!outcome.ok)
          throw new Error(`rejected a valid configuration:\n  ${outcome.problems.join('\n  ')}`);
        // Everything written is kept; only defaults are added.
        expect(outcome.config).toMatchObject(config);
        // And what was read writes and reads back to the same configuration.
        const again = parse(write(outcome.config, format));
        expect(again).toEqual(outcome);
      }),
      { numRuns: 200 },
    );
  });

  it('answers any JSON or YAML document with a configuration or a UsageError, never another exception', () => {
    const seen = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(valueArb, formatArb, (value, format) => {
        const outcome = parse(write(value, format));
        seen[outcome.ok ? 'accepted' : 'rejected']++;
        if (outcome.ok) expect(parse(write(outcome.config, 'yaml'))).toEqual(outcome);
      }),
      { numRuns: 300 },
    );
    // Not vacuous: most generated documents are wrong, and some (empty ones) are fine.
    expect(seen.rejected).toBeGreaterThan(150);
    expect(seen.accepted).toBeGreaterThan(0);
  });

  it('rejects a well-formed configuration with one value of the wrong type or shape, naming where', () => {
    const seen = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(
        configArb.filter((c) => Object.keys(c).length > 0),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        valueArb,
        formatArb,
        (config, path, replacement, format) => {
          const broken = withOneValueReplaced(config, path, replacement);
          const outcome = parse(write(broken, format));
          seen[outcome.ok ? 'accepted' : 'rejected']++;
          // A replacement can happen to be valid (a number where a number goes); then it reads back.
          if (outcome.ok) expect(parse(write(outcome.config, format))).toEqual(outcome);
          else for (const p of outcome.problems) expect(p).toMatch(/^c\.yml: \S.*: ./);
        },
      ),
      { numRuns: 300 },
    );
    expect(seen.rejected).toBeGreaterThan(150);
  });

  it('takes a suppression expiry only when it is a real date, an account only when it has 12 digits', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{4}-[01]\d-[0-3]\d$/),
        fc.stringMatching(/^\d{11,13}$/),
        (expires, account) => {
          const suppression = {
            rule: '*',
            resource: 'sg-*',
            account,
            reason: 'why not',
            owner: 'me',
            expires,
          };
          const outcome = parse(write({ suppressions: [suppression] }, 'yaml'));
          const valid = isRealDay(expires) && account.length === 12;
          expect(outcome.ok).toBe(valid);
          if (!outcome.ok) {
            if (!isRealDay(expires))
              expect(outcome.problems.join('\n')).toMatch(/suppressions\[1\]\.expires/);
            if (account.length !== 12)
              expect(outcome.problems.join('\n')).toMatch(/suppressions\[1\]\.account/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers arbitrary text, and valid files with random edits, with a configuration or a UsageError', () => {
    const seen = { notYaml: 0 };
    const yamlChars = fc.constantFrom(...':-[]{}&*!|>#\'"%@`,?\n\t abc01'.split(''));
    const editedArb = fc
      .tuple(configArb, fc.array(fc.tuple(fc.nat(), fc.nat(3), yamlChars), { minLength: 1, maxLength: 5 }))
      .map(([config, edits]) => {
        let text = write(config, 'yaml');
        for (const [at, kind, char] of edits) {
          const i = text.length ? at % text.length : 0;
          text =
            kind === 0
              ? text.slice(0, i) + text.slice(i + 1) // delete
              : kind === 1
                ? text.slice(0, i) + char + text.slice(i) // insert
                : text.slice(0, i) + char + text.slice(i + 1); // replace
        }
        return text;
      });
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: yamlChars, maxLength: 80 }), editedArb),
        (text) => {
          const outcome = parse(text);
          if (!outcome.ok)
            seen.notYaml += outcome.problems.some((p) => p.includes('is not valid YAML')) ? 1 : 0;
        },
      ),
      { numRuns: 400 },
    );
    // Both kinds of rejection happen: text that is not YAML, and YAML that is not a configuration.
    expect(seen.notYaml).toBeGreaterThan(20);
  });

  it('makes `estatescan scan --config` exit 2 on every rejected file, before any AWS call or write', async () => {
    // Prepare: files the parser rejects; an endpoint where nothing answers, so that a call to AWS
    // would show as a credentials error instead of the file's problems.
    const dir = mkdtempSync(join(tmpdir(), 'estatescan-config-'));
    const env = { endpoint: 'http://127.0.0.1:9', region: 'eu-west-1', interactive: false };
    const rejected = fc
      .tuple(valueArb, formatArb)
      .map(([value, format]) => write(value, format))
      .filter((text) => !parse(text).ok);
    let runs = 0;
    try {
      // Act / Assess
      await fc.assert(
        fc.asyncProperty(rejected, async (text) => {
          const file = join(dir, `run-${runs++}.yml`);
          writeFileSync(file, text);
          const io = captureIo();
          const code = await main(
            ['scan', '--config', file, '--format', 'json', '--output', join(dir, 'out.json'), '--table', 't'],
            env,
            io,
          );
          expect(code).toBe(2);
          expect(io.err.join('')).toContain(file);
          expect(io.err.join('')).not.toMatch(/caller|GetCallerIdentity/);
          expect(io.files.size).toBe(0);
          expect(io.out).toEqual([]);
        }),
        { numRuns: 100 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(runs).toBeGreaterThanOrEqual(100);
  });
});
