import { beforeAll, describe, expect, it } from 'vitest';
import { createAlertInbox } from '../../../scripts/demo/alert-inbox.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../../support/capture-io.ts';
import { emulatorEndpoint, resetEmulator } from '../../support/emulator.ts';

const env = () => ({ endpoint: emulatorEndpoint(), region: 'eu-west-1', interactive: false });
const production = ['--accounts', DEMO_ACCOUNTS.production, '--regions', 'eu-west-1', '--quiet'];

describe('estatescan scan --table --topic, then estatescan findings', () => {
  let inbox: Awaited<ReturnType<typeof createAlertInbox>>;

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    inbox = await createAlertInbox(emulatorEndpoint());
  });

  it('creates the table, records a baseline with one summary message, then stays quiet on a rescan', async () => {
    // Prepare
    const args = ['scan', ...production, '--table', 'cli-findings', '--topic', inbox.topicArn, '-f', 'json'];
    const first = captureIo();
    const second = captureIo();

    // Act
    await main(args, env(), first);
    const afterFirst = await inbox.receive();
    await main(args, env(), second);
    const afterSecond = await inbox.receive();

    // Assess
    expect(first.err.join('')).toMatch(/created the findings table cli-findings in eu-west-1/);
    expect(first.err.join('')).toMatch(
      /first scan of 1 targets recorded as their baseline; 1 messages published/,
    );
    expect(afterFirst.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^\[estatescan\] 111111111111: first scan/),
    ]);
    expect(second.err.join('')).not.toMatch(/created the findings table/);
    expect(second.err.join('')).toMatch(/no changes; 0 messages published/);
    expect(afterSecond).toEqual([]);
  });

  it('queries the stored findings by severity, as a table and as JSON', async () => {
    // Prepare
    const table = captureIo();
    const json = captureIo();

    // Act
    const code = await main(['findings', '--table', 'cli-findings', '--severity', 'critical'], env(), table);
    await main(
      ['findings', '--table', 'cli-findings', '--account', DEMO_ACCOUNTS.production, '-f', 'json'],
      env(),
      json,
    );

    // Assess
    expect(code).toBe(0);
    expect(table.out.join('')).toMatch(/critical\s+111111111111\s+eu-west-1\s+ec2-instance-os-eol/);
    const findings = JSON.parse(json.out.join('')) as {
      status: string;
      accountId: string;
      firstSeen: string;
      lastSeen: string;
    }[];
    expect(findings.length).toBeGreaterThan(5);
    expect(findings.every((f) => f.status === 'open' && f.accountId === DEMO_ACCOUNTS.production)).toBe(true);
    // The rescan rewrote no finding: "last seen" comes from the target's state, which it did write.
    expect(findings.every((f) => f.lastSeen > f.firstSeen)).toBe(true);
  });

  it('rejects --topic without --table, and a malformed topic ARN', async () => {
    const io = captureIo();
    const code = await main(['scan', ...production, '--topic', 'not-an-arn'], env(), io);
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(/--topic: needs --table/);
    expect(io.err.join('')).toMatch(/--topic: an SNS topic ARN looks like/);
  });
});
