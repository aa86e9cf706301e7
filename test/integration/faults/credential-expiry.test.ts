import { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { defaultAssumeRoleSettings } from '../../../src/aws/credentials.ts';
import { ScanSession } from '../../../src/aws/session.ts';
import { defaultRuleSettings } from '../../../src/engine/types.ts';
import { runScan, type ScanOutcome } from '../../../src/scan/run-scan.ts';
import { emulatorEndpoint, emulatorSettings, resetEmulator } from '../../support/emulator.ts';

const prod = DEMO_ACCOUNTS.production;
const targets = ['eu-west-1', 'us-east-1'].map((region) => ({ accountId: prod, region }));
/** The shortest session STS grants, and the broker's default margin. */
const DURATION_SECONDS = 900;
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * A scan of the production account whose clock the test moves. The emulator stamps credentials with
 * the real clock; a middleware on the hub's STS client restamps them with the test's clock, as real
 * STS would with real time, so "expires in 15 minutes" means 15 minutes of the test's clock.
 */
async function scanWithClock(advanceAfterFirstTarget: number) {
  let clock = Date.now();
  const issued: { accessKeyId: string; expiration: Date }[] = [];
  const session = await ScanSession.create({
    homeRegion: 'eu-west-1',
    aws: emulatorSettings(),
    assumeRole: {
      ...defaultAssumeRoleSettings,
      sessionName: 'estatescan-expiry',
      durationSeconds: DURATION_SECONDS,
      refreshMarginMs: REFRESH_MARGIN_MS,
    },
    now: () => clock,
  });
  session.sts.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const credentials = (result.output as { Credentials?: { AccessKeyId: string; Expiration: Date } })
        .Credentials;
      if (context.commandName === 'AssumeRoleCommand' && credentials) {
        credentials.Expiration = new Date(clock + DURATION_SECONDS * 1000);
        issued.push({ accessKeyId: credentials.AccessKeyId, expiration: credentials.Expiration });
      }
      return result;
    },
    { step: 'initialize', name: 'testClockExpiration' },
  );
  const outcome = await runScan(session, {
    runId: 'expiry',
    targets,
    rules: allRules,
    ruleSettings: defaultRuleSettings,
    // One target after the other, so the clock moves between the two targets of the account.
    targetConcurrency: 1,
    itemConcurrency: 4,
    now: () => new Date('2026-11-25T12:00:00Z'),
    onTargetDone: (_result, done) => {
      if (done === 1) clock += advanceAfterFirstTarget;
    },
  });
  const assumeRoleCalls = session.counter.get('sts:AssumeRole')?.calls ?? 0;
  // The identity each region's EC2 client signed with (the SDK keeps the one it resolved).
  const signedWith = async (region: string) => {
    const provider = session.account(prod).get(EC2Client, region).config
      .credentials as AwsCredentialIdentityProvider;
    return (await provider()).accessKeyId;
  };
  const used = { 'eu-west-1': await signedWith('eu-west-1'), 'us-east-1': await signedWith('us-east-1') };
  session.destroy();
  return { outcome, issued, used, assumeRoleCalls };
}

const findingsOf = (outcome: ScanOutcome) =>
  outcome.report.findings.map((f) => `${f.findingId} ${f.severity} ${f.ruleId}`).sort();

describe('credentials that expire during a scan', () => {
  let steady: Awaited<ReturnType<typeof scanWithClock>>;

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    // The same scan in a few real seconds: one AssumeRole serves the whole account.
    steady = await scanWithClock(0);
  });

  it('are reused while they are fresh: one AssumeRole for the whole account', () => {
    expect(steady.assumeRoleCalls).toBe(1);
    expect(steady.issued).toHaveLength(1);
    expect(steady.used).toEqual({
      'eu-west-1': steady.issued[0]!.accessKeyId,
      'us-east-1': steady.issued[0]!.accessKeyId,
    });
    expect(steady.outcome.report.findings).toHaveLength(25);
  });

  it('are refreshed once they are within the refresh margin, and the scan of the account completes', async () => {
    // Act: 11 minutes pass after the first target; 15-minute credentials have 4 left, under the margin.
    const moved = await scanWithClock(11 * 60_000);

    // Assess: a second AssumeRole, used by the clients of the second target only.
    expect(moved.assumeRoleCalls).toBe(2);
    expect(moved.issued).toHaveLength(2);
    const [first, second] = moved.issued;
    expect(second!.accessKeyId).not.toBe(first!.accessKeyId);
    expect(second!.expiration.getTime() - first!.expiration.getTime()).toBeGreaterThanOrEqual(11 * 60_000);
    expect(moved.used).toEqual({ 'eu-west-1': first!.accessKeyId, 'us-east-1': second!.accessKeyId });
    expect(moved.outcome.report.targets.map((t) => [t.region, t.status, t.errors])).toEqual(
      steady.outcome.report.targets.map((t) => [t.region, t.status, t.errors]),
    );
    expect(moved.outcome.report.errors.some((e) => e.source === 'credentials')).toBe(false);
    expect(findingsOf(moved.outcome)).toEqual(findingsOf(steady.outcome));
  });

  it('are refreshed in the middle of a target, between two calls of the same client', async () => {
    // Prepare: credentials that reach the refresh margin a second after they are issued (the broker's
    // margin and the SDK's own five-minute window alike), and a first EC2 call during which the
    // clock moves two seconds, so the target's next calls need fresh ones. Only `Date` is faked:
    // the SDK's expiry checks and the broker read it, while timers and sockets run for real.
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const issued: string[] = [];
    const session = await ScanSession.create({
      homeRegion: 'eu-west-1',
      aws: emulatorSettings(),
      assumeRole: {
        ...defaultAssumeRoleSettings,
        sessionName: 'estatescan-expiry-mid',
        refreshMarginMs: REFRESH_MARGIN_MS,
      },
    });
    session.sts.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const credentials = (result.output as { Credentials?: { AccessKeyId: string; Expiration: Date } })
          .Credentials;
        if (context.commandName === 'AssumeRoleCommand' && credentials) {
          credentials.Expiration = new Date(Date.now() + REFRESH_MARGIN_MS + 1000);
          issued.push(credentials.AccessKeyId);
        }
        return result;
      },
      { step: 'initialize', name: 'shortLivedCredentials' },
    );
    const ec2 = session.account(prod).get(EC2Client, 'eu-west-1');
    let slowed = false;
    ec2.middlewareStack.add(
      (next) => async (args) => {
        if (!slowed) {
          slowed = true;
          vi.setSystemTime(Date.now() + 2000);
        }
        return next(args);
      },
      { step: 'initialize', name: 'slowFirstCall' },
    );

    // Act: one target.
    const outcome = await runScan(session, {
      runId: 'expiry-mid',
      targets: [targets[0]!],
      rules: allRules,
      ruleSettings: defaultRuleSettings,
      targetConcurrency: 1,
      itemConcurrency: 4,
      now: () => new Date('2026-11-25T12:00:00Z'),
    });
    const provider = ec2.config.credentials as AwsCredentialIdentityProvider;
    const signedWith = (await provider()).accessKeyId;
    session.destroy();

    // Assess: more than one AssumeRole within the one target; the EC2 client moved to a fresh key;
    // the target is as complete as the steady scan's, with the same findings.
    expect(issued.length).toBeGreaterThanOrEqual(2);
    expect(signedWith).not.toBe(issued[0]);
    expect(issued).toContain(signedWith);
    const steadyTarget = steady.outcome.report.targets.find((t) => t.region === 'eu-west-1');
    expect(outcome.report.targets.map((t) => [t.region, t.status, t.errors])).toEqual([
      ['eu-west-1', steadyTarget?.status, steadyTarget?.errors],
    ]);
    expect(outcome.report.errors.some((e) => e.source === 'credentials')).toBe(false);
    expect(findingsOf(outcome)).toEqual(
      findingsOf(steady.outcome).filter((line) =>
        steady.outcome.report.findings.some((f) => f.region === 'eu-west-1' && line.startsWith(f.findingId)),
      ),
    );
  });
});
