/**
 * Oversized evidence and a target that cannot be saved, through `estatescan scan --table --topic`
 * on the emulator, whose DynamoDB refuses items over 400 KB as AWS does.
 *
 * moto caps a security group at 60 rules (AWS's default quota; AWS lets it be raised to 1,000) but
 * does not enforce AWS's 255-character rule descriptions: 60 rules with 7,000-character
 * descriptions make the same ~420 KB of open-ingress evidence as 1,000 rules with 255-character
 * ones would. The 1,000-rule shape itself is covered without the emulator
 * (test/unit/engine/evaluate.test.ts).
 *
 * The target that cannot be saved is made by a proxy between the CLI and the emulator that answers
 * that target's DynamoDB PutItem calls with DynamoDB's own item-size ValidationException (a
 * proxy-level injection: the bounded items never reach the limit, so no real item path is left to
 * overflow it). Everything else reaches the emulator untouched.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertInbox } from '../../../scripts/demo/alert-inbox.ts';
import { DEMO_HUB_CREDENTIALS } from '../../../scripts/demo/estate.ts';
import { main } from '../../../src/cli/main.ts';
import { findingBudget } from '../../../src/findings/budget.ts';
import { DynamoDbFindingStore } from '../../../src/findings/dynamodb-store.ts';
import { ITEM_SIZE_BUDGET, marshalledItemSize } from '../../../src/findings/item-size.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import { captureIo } from '../../support/capture-io.ts';
import { clientsFor, emulatorEndpoint, MEMBER_A, MEMBER_B, resetEmulator } from '../../support/emulator.ts';
import {
  dynamoDbItemTooLarge,
  type InterceptProxy,
  startInterceptProxy,
} from '../../support/intercept-proxy.ts';

const REGION = 'eu-west-1';
const RULE = 'ec2-security-group-open-ingress';
const RULES_IN_GROUP = 60;
const DESCRIPTION_LENGTH = 7_000;

const hubConfig = () => ({ region: REGION, endpoint: emulatorEndpoint(), credentials: DEMO_HUB_CREDENTIALS });
const env = (endpoint = emulatorEndpoint()) => ({ endpoint, region: REGION, interactive: false });
const scanArgs = (accounts: string[], table: string, topicArn: string) => [
  'scan',
  ...['--accounts', accounts.join(','), '--regions', REGION, '--rules', RULE, '--quiet', '-f', 'json'],
  ...['--table', table, '--topic', topicArn],
];

/** A security group open to the internet on `ports` ports, each rule with a long description. */
async function seedOpenGroup(accountId: string, name: string, ports: number, descriptionLength: number) {
  const ec2 = (await clientsFor(accountId)).get(EC2Client, REGION);
  const { Vpcs } = await ec2.send(new DescribeVpcsCommand({}));
  const { GroupId } = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: Vpcs?.[0]?.VpcId }),
  );
  const rule = (port: number) => ({
    IpProtocol: 'tcp',
    FromPort: port,
    ToPort: port,
    IpRanges: [{ CidrIp: '0.0.0.0/0', Description: `port ${port} `.padEnd(descriptionLength, 'd') }],
  });
  // In batches, as a console or a script raising a group's rules would.
  for (let first = 0; first < ports; first += 10) {
    const batch = Array.from({ length: Math.min(10, ports - first) }, (_, i) => rule(10_000 + first + i));
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: batch }));
  }
  return { ec2, groupId: GroupId as string, rule };
}

/** Every item of the table, as DynamoDB holds it (marshalled). */
async function tableItems(table: string) {
  const dynamodb = new DynamoDBClient(hubConfig());
  const items = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items;
}

describe('estatescan scan --table --topic with oversized evidence and a target that cannot be saved', () => {
  let inbox: Awaited<ReturnType<typeof createAlertInbox>>;
  let groupId: string;
  let proxy: InterceptProxy | undefined;

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    inbox = await createAlertInbox(emulatorEndpoint());
    ({ groupId } = await seedOpenGroup(MEMBER_A, 'wide-open', RULES_IN_GROUP, DESCRIPTION_LENGTH));
    await seedOpenGroup(MEMBER_B, 'ssh-open', 1, 20);
  });

  afterAll(async () => {
    await proxy?.stop();
  });

  it('the emulator is faithful where it matters: it refuses an item over 400 KB, and a 61st rule', async () => {
    // Prepare
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(hubConfig()));
    const ec2 = (await clientsFor(MEMBER_A)).get(EC2Client, REGION);
    await ensureTable(new DynamoDBClient(hubConfig()), 'probe');

    // Act
    const put = doc.send(
      new PutCommand({
        TableName: 'probe',
        Item: { PK: 'x', SK: 'y', blob: 'b'.repeat(RULES_IN_GROUP * DESCRIPTION_LENGTH) },
      }),
    );
    const more = ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 9, ToPort: 9, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );

    // Assess: the group's descriptions alone would not fit in one item.
    await expect(put).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Item size has exceeded the maximum allowed size',
    });
    await expect(more).rejects.toMatchObject({ name: 'RulesPerSecurityGroupLimitExceeded' });
  });

  it('saves a group whose evidence is over 400 KB, within budget, and announces its baseline', async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(scanArgs([MEMBER_A], 'oversized', inbox.topicArn), env(), io);
    const alerts = await inbox.receive();

    // Assess: saved and announced…
    expect(io.err.join('')).toMatch(
      /first scan of 1 targets recorded as their baseline; 1 messages published/,
    );
    expect(code).toBe(0);
    expect(alerts.map((a) => a.subject)).toEqual([
      expect.stringMatching(/^\[estatescan\] 111111111111: first scan/),
    ]);
    // …with every item well under the limit, the finding's evidence cut to its budget.
    const items = await tableItems('oversized');
    for (const item of items) expect(marshalledItemSize(item)).toBeLessThanOrEqual(ITEM_SIZE_BUDGET);
    const [finding] = await new DynamoDbFindingStore(
      new DynamoDBClient(hubConfig()),
      'oversized',
    ).queryFindings({
      accountId: MEMBER_A,
      region: REGION,
      ruleId: RULE,
    });
    const permissions = finding?.evidence.permissions as ({ description: string } | string)[];
    expect(finding?.resourceId).toBe(groupId);
    expect(permissions).toHaveLength(findingBudget.evidence.listEntries + 1);
    expect(permissions.at(-1)).toBe(`… [${RULES_IN_GROUP - 20} more entries, ${RULES_IN_GROUP} in all]`);
    const first = permissions[0] as { description: string };
    expect(first.description.length).toBeLessThanOrEqual(findingBudget.evidence.stringLength);
    expect(first.description).toMatch(/^port 10000 d+… \[\d+ more characters\]$/);
    const state = items.find((i) => i.SK?.S === 'STATE');
    expect(state && marshalledItemSize(state)).toBeLessThan(10_000);
  });

  it("still saves and announces one target when another's writes are refused, and exits 3", async () => {
    // Prepare: DynamoDB refuses every item of the second account's target, as if each were too large.
    const refused = new RegExp(`"PK":\\{"S":"TARGET#${MEMBER_B}#`);
    proxy = await startInterceptProxy(emulatorEndpoint(), (request) =>
      request.target === 'DynamoDB_20120810.PutItem' && refused.test(request.body)
        ? dynamoDbItemTooLarge()
        : undefined,
    );
    const io = captureIo();

    // Act
    const code = await main(
      scanArgs([MEMBER_A, MEMBER_B], 'one-refused', inbox.topicArn),
      env(proxy.endpoint),
      io,
    );
    const alerts = await inbox.receive();

    // Assess: the refused target is reported, the run exits 3…
    const stderr = io.err.join('');
    expect(proxy.intercepted().length).toBeGreaterThan(0);
    expect(code).toBe(3);
    expect(stderr).toMatch(
      /could not save 222222222222 eu-west-1 to one-refused: ValidationException: Item size has exceeded the maximum allowed size/,
    );
    // …the other's findings are written and its message goes out…
    expect(stderr).toMatch(/first scan of 1 targets recorded as their baseline; 1 messages published/);
    expect(alerts.map((a) => a.subject)).toEqual([
      expect.stringMatching(/^\[estatescan\] 111111111111: first scan/),
    ]);
    const store = new DynamoDbFindingStore(new DynamoDBClient(hubConfig()), 'one-refused');
    expect(await store.queryFindings({ accountId: MEMBER_A, region: REGION })).toHaveLength(1);
    expect(await store.queryFindings({ accountId: MEMBER_B, region: REGION })).toEqual([]);
    expect(await store.loadTargetState(MEMBER_B, REGION)).toBeUndefined();
    // …and the run records the refused target as failed, with DynamoDB's error.
    const [run] = await store.recentRuns(1);
    const byAccount = Object.fromEntries((run?.targets ?? []).map((t) => [t.accountId, t]));
    expect(byAccount[MEMBER_A]).toMatchObject({ status: 'ok', errors: [] });
    expect(byAccount[MEMBER_B]).toMatchObject({ status: 'failed', errorCount: 1 });
    expect(byAccount[MEMBER_B]?.errors[0]).toMatchObject({
      source: 'store',
      code: 'ValidationException',
      message: 'Item size has exceeded the maximum allowed size',
    });
  });
});
