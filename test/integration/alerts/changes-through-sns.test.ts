/**
 * What an SNS subscriber receives, end to end through `estatescan scan --table --topic` (the CLI's
 * own code path) on the demo estate: a queue subscribed to the topic, raw delivery off, so each SQS
 * body is the SNS envelope whose `Message` is the `default` (email) text and whose
 * `MessageAttributes` are the ones filter policies match.
 *
 * moto delivers to SQS synchronously inside Publish, so the queue holds every message of a scan as
 * soon as the scan returns: draining it until a receive comes back empty is deterministic.
 */
import { PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { createAlertInbox, type ReceivedAlert } from '../../../scripts/demo/alert-inbox.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../../support/capture-io.ts';
import { clientsFor, emulatorEndpoint, resetEmulator } from '../../support/emulator.ts';

const TABLE = 'alerts-through-sns';
const PROD = DEMO_ACCOUNTS.production;
const REGIONS = ['eu-west-1', 'us-east-1'];
const writeCommands = [PutCommand, UpdateCommand, DeleteCommand, BatchWriteCommand, TransactWriteCommand];

const env = () => ({ endpoint: emulatorEndpoint(), region: 'eu-west-1', interactive: false });

/** A message's String.Array attribute, parsed. */
const listAttribute = (alert: ReceivedAlert, name: string): string[] =>
  JSON.parse(alert.attributes[name] ?? '[]') as string[];

/** The numbered change blocks of a message's text: `[1] RESOLVED - MEDIUM - <title>`. */
const changeLines = (alert: ReceivedAlert): string[] => alert.body.match(/^\[\d+\] .+$/gm) ?? [];

describe('estatescan scan --table --topic, as an SQS subscriber to the topic sees it', () => {
  let inbox: Awaited<ReturnType<typeof createAlertInbox>>;
  let send: MockInstance<DynamoDBDocumentClient['send']>;
  let hour = 0;

  /** One CLI scan of production, an hour after the previous one; what it printed and wrote, and the queue. */
  async function scan() {
    hour++;
    const at = new Date(Date.UTC(2026, 10, 25, hour));
    const io = captureIo(() => at);
    const before = send.mock.calls.length;
    const code = await main(
      [
        'scan',
        ...['--accounts', PROD, '--regions', REGIONS.join(','), '--quiet', '-f', 'json'],
        ...['--table', TABLE, '--topic', inbox.topicArn],
      ],
      env(),
      io,
    );
    const writes = send.mock.calls
      .slice(before)
      .filter(([command]) => writeCommands.some((type) => command instanceof type)).length;
    return { code, err: io.err.join(''), writes, alerts: await inbox.receive() };
  }

  async function setVersioning(bucket: string, status: 'Enabled' | 'Suspended'): Promise<void> {
    const clients = await clientsFor(PROD);
    await clients
      .get(S3Client, 'eu-west-1')
      .send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: status } }));
    clients.destroy();
  }

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    inbox = await createAlertInbox(emulatorEndpoint());
    // The store writes through the document client; counting its calls counts the write requests.
    send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
  });

  afterAll(() => {
    send.mockRestore();
  });

  it('sends only the first-scan summary on the first scan', async () => {
    // Act
    const first = await scan();

    // Assess
    expect(first.err).toMatch(/first scan of 2 targets recorded as their baseline; 1 messages published/);
    expect(first.alerts).toHaveLength(1);
    const [summary] = first.alerts;
    expect(summary?.subject).toMatch(new RegExp(`^\\[estatescan\\] ${PROD}: first scan, \\d+ open findings`));
    expect(summary?.attributes.accountId).toBe(PROD);
    expect(listAttribute(summary!, 'change')).toEqual(['baseline']);
    expect(listAttribute(summary!, 'severityChange').every((s) => s.endsWith(':baseline'))).toBe(true);
    expect(changeLines(summary!)).toEqual([]);
    for (const region of REGIONS) expect(summary?.body).toContain(`First scan of ${PROD} ${region}:`);
  });

  it('sends nothing on an unchanged rescan, and writes O(1) items per target', async () => {
    // Act
    const rescan = await scan();

    // Assess
    expect(rescan.err).toMatch(/no changes; 0 messages published/);
    expect(rescan.alerts).toEqual([]);
    // Per target: its state and its run record; plus one run summary. No finding is rewritten.
    expect(rescan.writes).toBe(REGIONS.length * 2 + 1);
  });

  it('sends exactly one message with one resolved change when a resource is fixed', async () => {
    // Prepare
    await setVersioning('acme-prod-logs', 'Enabled');

    // Act
    const fixed = await scan();

    // Assess
    expect(fixed.err).toMatch(/1 resolved; 1 messages published/);
    expect(fixed.alerts).toHaveLength(1);
    const [message] = fixed.alerts;
    expect(message?.subject).toBe(
      `[estatescan] ${PROD}: resolved medium acme-prod-logs: S3 bucket versioning is not enabled`,
    );
    expect(message?.attributes.accountId).toBe(PROD);
    expect(listAttribute(message!, 'change')).toEqual(['resolved']);
    expect(listAttribute(message!, 'ruleId')).toEqual(['s3-bucket-versioning-disabled']);
    expect(listAttribute(message!, 'severityChange')).toEqual(['medium:resolved']);
    expect(message?.body.split('\n')[0]).toMatch(new RegExp(`^estatescan: 1 change in account ${PROD} `));
    expect(changeLines(message!)).toEqual(['[1] RESOLVED - MEDIUM - S3 bucket versioning is not enabled']);
    expect(message?.body).toMatch(/^ {4}Resource: {3}AwsS3Bucket acme-prod-logs$/m);
    expect(message?.body).toMatch(/^ {4}Rule: {7}s3-bucket-versioning-disabled$/m);
  });

  it('sends exactly one message with one new change when a resource breaks', async () => {
    // Prepare
    await setVersioning('acme-prod-invoices', 'Suspended');

    // Act
    const broken = await scan();

    // Assess
    expect(broken.err).toMatch(/1 new; 1 messages published/);
    expect(broken.alerts).toHaveLength(1);
    const [message] = broken.alerts;
    expect(message?.subject).toBe(
      `[estatescan] ${PROD}: new medium acme-prod-invoices: S3 bucket versioning is not enabled`,
    );
    expect(message?.attributes.severity).toBe('medium');
    expect(listAttribute(message!, 'change')).toEqual(['new']);
    expect(listAttribute(message!, 'ruleId')).toEqual(['s3-bucket-versioning-disabled']);
    expect(listAttribute(message!, 'severityChange')).toEqual(['medium:new']);
    expect(changeLines(message!)).toEqual(['[1] NEW - MEDIUM - S3 bucket versioning is not enabled']);
    expect(message?.body).toMatch(/^ {4}Resource: {3}AwsS3Bucket acme-prod-invoices$/m);
    expect(message?.body).toContain(
      'aws s3api put-bucket-versioning --bucket acme-prod-invoices --versioning-configuration Status=Enabled',
    );
  });
});
