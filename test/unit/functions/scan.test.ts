import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../../functions/scan.ts';
import { allRules } from '../../../rules/index.ts';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { MemoryFindingStore } from '../../../src/findings/store.ts';
import type { InvalidEventError } from '../../../src/lambda/errors.ts';
import { parseEvent, planEventSchema } from '../../../src/lambda/events.ts';
import type { InlineScanResponse, StartedScanResponse } from '../../../src/lambda/on-demand.ts';
import { createFunctionDependencies } from '../../support/function-dependencies.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:estatescan-scan';
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['eu-west-1', 'us-east-1', 'eu-central-1', 'ap-southeast-2'];

const sts = mockClient(STSClient);
const sfn = mockClient(SFNClient);
const organizations = mockClient(OrganizationsClient);

function setUp(variables: Record<string, string> = {}) {
  const store = new MemoryFindingStore();
  const env = readLambdaEnvironment({
    AWS_REGION: 'eu-west-1',
    STATE_MACHINE_ARN: STATE_MACHINE,
    FINDINGS_TABLE: 'estatescan-findings',
    // The deployment's targets: a request may only narrow them.
    TARGET_ACCOUNTS: ACCOUNTS.join(','),
    ...variables,
  });
  const deps = createFunctionDependencies(env, {
    store: () => store,
    now: () => new Date('2026-11-25T12:00:00.000Z'),
  });
  const handler = createHandler(() => deps);
  return { store, invoke: (event: unknown) => handler(event, lambdaContext('estatescan-scan')) };
}

describe('the on-demand scan function', () => {
  let output: ReturnType<typeof captureOutput>;

  beforeEach(() => {
    sts.reset();
    sfn.reset();
    organizations.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
      executionArn: `arn:aws:states:eu-west-1:123456789012:execution:estatescan-scan:${input.name}`,
      startDate: new Date('2026-11-25T12:00:01.000Z'),
    }));
    output = captureOutput();
  });
  afterEach(() => output.restore());

  it('rejects a bad event with every problem listed, and writes, reads and starts nothing', async () => {
    // Prepare
    const { store, invoke } = setUp();

    // Act
    const error = (await invoke({
      accounts: 'organisation',
      regions: ['eu-west-1', 'moon-1'],
      rules: ['s3-bucket-versioning'],
      notify: 'no',
      since: 'yesterday',
    }).catch((e: unknown) => e)) as InvalidEventError;

    // Assess
    expect(error.name).toBe('InvalidEventError');
    expect(error.problems).toEqual([
      'accounts: must be "organization" or a list of 12-digit account ids (got "organisation"; did you mean "organization"?)',
      'regions[2]: a region looks like "eu-west-1" (got "moon-1")',
      'rules[1]: unknown rule id "s3-bucket-versioning"; did you mean "s3-bucket-versioning-disabled"?',
      'notify: must be true or false (got "no")',
      'unknown key "since"',
    ]);
    expect(store.writes).toBe(0);
    expect(store.runs).toEqual([]);
    expect(sts.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    // The rejection is logged as a warning, with the problems.
    const warning = output.lines().find((l) => l.includes('"level":"WARN"'));
    expect(JSON.parse(warning ?? '{}')).toMatchObject({
      message: 'scan: event rejected',
      problems: error.problems,
    });
  });

  it('rejects every malformed event through the handler, and writes, reads and starts nothing (property)', async () => {
    // Prepare: events that are wrong in at least one way (a wrong type, an unknown key, a bad
    // account id, region or rule id), next to the right keys; one handler and store for all runs.
    const { store, invoke } = setUp();
    const malformed = fc.oneof(
      fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
      fc.record({
        accounts: fc.oneof(fc.constant([]), fc.array(fc.stringMatching(/^\d{1,11}$/), { minLength: 1 })),
      }),
      fc.record({ regions: fc.array(fc.stringMatching(/^[A-Z_ ]{1,8}$/), { minLength: 1, maxLength: 3 }) }),
      fc.record({ rules: fc.array(fc.stringMatching(/^zz-[a-z]{1,10}$/), { minLength: 1, maxLength: 3 }) }),
      fc.record({ notify: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
      fc.record({ dryRun: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
      fc
        .record({ key: fc.string({ minLength: 1 }), value: fc.jsonValue() })
        .filter(({ key }) => !['accounts', 'regions', 'rules', 'notify', 'dryRun'].includes(key))
        .map(({ key, value }) => ({ regions: ['eu-west-1'], [key]: value })),
    );

    // Act / Assess
    await fc.assert(
      fc.asyncProperty(malformed, async (event) => {
        const error = (await invoke(event).then(
          () => undefined,
          (e: unknown) => e,
        )) as InvalidEventError | undefined;
        expect(error?.name).toBe('InvalidEventError');
        expect(error?.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    expect(store.writes).toBe(0);
    expect(store.runs).toEqual([]);
    expect(sts.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('records a target it cannot scan inline as failing, once; a quiet request leaves that to the next announced run', async () => {
    // Prepare: the member role of 111111111111 refuses the hub
    const { store, invoke } = setUp();
    sts.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: 'not authorized',
      }),
    );
    const event = { accounts: ['111111111111'], regions: ['eu-west-1'] };

    // Act
    const quiet = (await invoke({ ...event, notify: false })) as InlineScanResponse;
    const afterQuiet = await store.loadTargetHealth();
    const announced = (await invoke(event)) as InlineScanResponse;

    // Assess
    expect(quiet.summary.failed).toBe(1);
    expect(afterQuiet).toEqual([]);
    expect(announced.summary.failed).toBe(1);
    expect(await store.loadTargetHealth()).toEqual([
      expect.objectContaining({
        accountId: '111111111111',
        region: 'eu-west-1',
        status: 'failing',
        lastChange: 'target-failing',
        lastChangedRunId: announced.runId,
        error: expect.objectContaining({ code: 'AccessDenied' }),
      }),
    ]);
    expect(output.text()).toContain('"TargetsStartedFailing":1');
  });

  it('starts the state machine for a request over the inline limit, and returns the execution ARN', async () => {
    // Prepare
    const { store, invoke } = setUp();

    // Act
    const response = (await invoke({
      accounts: ACCOUNTS,
      regions: REGIONS,
      notify: false,
    })) as StartedScanResponse;

    // Assess
    expect(response.targets).toBe(12);
    expect(response.mode).toBe('quiet');
    expect(response.runId).toMatch(/^20261125T120000Z-[0-9a-f]{8}-quiet$/);
    expect(response.executionArn).toBe(
      `arn:aws:states:eu-west-1:123456789012:execution:estatescan-scan:${response.runId}`,
    );
    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE,
      name: response.runId,
      input: JSON.stringify({ runId: response.runId, accounts: ACCOUNTS, regions: REGIONS }),
    });
    // The schedule's way in: the plan function takes it as its event.
    const ruleIds = allRules.map((r) => r.id);
    expect(
      parseEvent(planEventSchema(ruleIds), JSON.parse(start?.args[0].input.input ?? ''), 'plan'),
    ).toEqual({
      runId: response.runId,
      accounts: ACCOUNTS,
      regions: REGIONS,
    });
    expect(store.writes).toBe(0);
  });

  it('honours INLINE_TARGET_LIMIT, and sends even a dry run over it to the state machine as a dry run', async () => {
    // Prepare
    const { invoke } = setUp({ INLINE_TARGET_LIMIT: '2' });

    // Act
    const response = (await invoke({
      accounts: [ACCOUNTS[0]],
      regions: REGIONS.slice(0, 3),
      dryRun: true,
    })) as StartedScanResponse;

    // Assess
    expect(response.targets).toBe(3);
    expect(response.runId).toMatch(/-dryrun$/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('says what to do when a large request cannot go to the state machine', async () => {
    // Prepare
    const { store, invoke } = setUp({ STATE_MACHINE_ARN: '' });

    // Act
    const run = invoke({ accounts: ACCOUNTS, regions: REGIONS });

    // Assess
    await expect(run).rejects.toThrow(
      /This request covers 12 targets, more than the 10 scanned inline \(INLINE_TARGET_LIMIT\), and STATE_MACHINE_ARN is not set/,
    );
    expect(store.writes).toBe(0);
  });
});

describe("the on-demand scan function, within the deployment's targets", () => {
  let output: ReturnType<typeof captureOutput>;

  beforeEach(() => {
    sts.reset();
    sfn.reset();
    organizations.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    sfn.on(StartExecutionCommand).resolves({
      executionArn: `arn:aws:states:eu-west-1:123456789012:execution:estatescan-scan:run`,
      startDate: new Date('2026-11-25T12:00:01.000Z'),
    });
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '111111111111', State: 'ACTIVE' },
        { Id: '222222222222', State: 'SUSPENDED' },
      ] as never,
    });
    output = captureOutput();
  });
  afterEach(() => output.restore());

  /** Only the caller's identity (and the organization's list) may have been read: no role assumed. */
  const expectNothingTouched = (store: MemoryFindingStore) => {
    expect(store.writes).toBe(0);
    expect(store.runs).toEqual([]);
    expect(sts.calls().map((c) => c.args[0].constructor.name)).toEqual(['GetCallerIdentityCommand']);
    expect(sfn.calls()).toHaveLength(0);
  };

  it('refuses accounts outside TARGET_ACCOUNTS, and excluded ones, naming each, and touches none', async () => {
    // Prepare
    const { store, invoke } = setUp({ EXCLUDE_ACCOUNTS: '333333333333' });

    // Act
    const error = (await invoke({
      accounts: ['111111111111', '999999999999', '333333333333'],
      regions: ['eu-west-1'],
    }).catch((e: unknown) => e)) as InvalidEventError;

    // Assess
    expect(error.name).toBe('InvalidEventError');
    expect(error.problems).toEqual([
      'accounts[2]: 999999999999 is not one of the accounts this deployment scans (TARGET_ACCOUNTS)',
      'accounts[3]: 333333333333 is excluded (EXCLUDE_ACCOUNTS)',
    ]);
    expect(error.message).toContain('may narrow the accounts the deployment scans');
    expectNothingTouched(store);
  });

  it('refuses "organization" when the deployment lists its accounts', async () => {
    // Prepare
    const { store, invoke } = setUp();

    // Act
    const error = (await invoke({ accounts: 'organization', regions: ['eu-west-1'] }).catch(
      (e: unknown) => e,
    )) as InvalidEventError;

    // Assess
    expect(error.problems).toEqual([
      'accounts: "organization" goes beyond the accounts this deployment scans (TARGET_ACCOUNTS lists them)',
    ]);
    expectNothingTouched(store);
    expect(organizations.calls()).toHaveLength(0);
  });

  it("without TARGET_ACCOUNTS, refuses any account but the deployment's own", async () => {
    // Prepare
    const { store, invoke } = setUp({ TARGET_ACCOUNTS: '' });

    // Act
    const error = (await invoke({ accounts: ['111111111111'] }).catch(
      (e: unknown) => e,
    )) as InvalidEventError;

    // Assess
    expect(error.problems).toEqual([
      "accounts[1]: 111111111111 is not this deployment's own account 123456789012, the only one it scans (TARGET_ACCOUNTS is not set)",
    ]);
    expectNothingTouched(store);
  });

  it('with TARGET_ACCOUNTS=organization, refuses accounts that are not ACTIVE members, from the list plan reads', async () => {
    // Prepare
    const { store, invoke } = setUp({ TARGET_ACCOUNTS: 'organization' });

    // Act
    const error = (await invoke({
      accounts: ['111111111111', '222222222222', '999999999999'],
      regions: ['eu-west-1'],
    }).catch((e: unknown) => e)) as InvalidEventError;

    // Assess
    expect(error.problems).toEqual([
      'accounts[2]: 222222222222 is not an ACTIVE account of the organization this deployment scans',
      'accounts[3]: 999999999999 is not an ACTIVE account of the organization this deployment scans',
    ]);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(1);
    expectNothingTouched(store);
  });

  it('with TARGET_ACCOUNTS=organization, takes a member account (here, over the inline limit, to the state machine)', async () => {
    // Prepare
    const { invoke } = setUp({ TARGET_ACCOUNTS: 'organization', INLINE_TARGET_LIMIT: '0' });

    // Act
    const response = (await invoke({
      accounts: ['111111111111'],
      regions: ['eu-west-1'],
    })) as StartedScanResponse;

    // Assess
    expect(response.targets).toBe(1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it.each([
    ['a 2 MB rule id', { rules: ['x'.repeat(2 * 1024 * 1024)] }, /a rule id has at most 128 characters/],
    [
      '50,000 unknown rule ids',
      { rules: Array.from({ length: 50_000 }, (_, i) => `no-such-rule-${i}`) },
      /at most \d+ rule ids \(got 50,000/,
    ],
    [
      '50,000 account ids',
      { accounts: Array.from({ length: 50_000 }, (_, i) => String(100_000_000_000 + i)) },
      /at most 1,000 12-digit account ids \(got 50,000\)/,
    ],
    [
      '50,000 malformed account ids',
      { accounts: Array.from({ length: 50_000 }, (_, i) => `x${i}`) },
      /at most 1,000 12-digit account ids \(got 50,000\)/,
    ],
    [
      '50,000 unknown keys',
      Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`key-${i}`, true])),
      /unknown key "key-0"[\s\S]*…and 49,980 more/,
    ],
    ['a 2 MB account keyword', { accounts: '1'.repeat(2 * 1024 * 1024) }, /must be "organization"/],
  ])('rejects %s before any work, with a short message', async (_, event, expected) => {
    // Prepare
    const { store, invoke } = setUp();

    // Act
    const error = (await invoke(event).catch((e: unknown) => e)) as InvalidEventError;

    // Assess: a message that fits a console and a log line, whatever the event's size.
    expect(error.name).toBe('InvalidEventError');
    expect(error.message).toMatch(expected);
    expect(error.message.length).toBeLessThan(4_000);
    expect(error.problems.length).toBeLessThanOrEqual(21);
    expect(JSON.stringify(error.problems).length).toBeLessThan(8_000);
    expect(output.text().length).toBeLessThan(16_000);
    expect(store.writes).toBe(0);
    expect(sts.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });
});
