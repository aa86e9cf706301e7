/**
 * The deployment's `securityHub` parameter (`SECURITY_HUB=true`): the scan function, invoked from
 * the console, sends each target's findings to that member account's own Security Hub in the
 * emulator (moto implements BatchImportFindings and GetFindings), through the same session and sync
 * as `estatescan scan --security-hub`. A dry run sends nothing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AwsSecurityFinding, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHandler as createScan } from '../../../functions/scan.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { clientConfig } from '../../../src/aws/clients.ts';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import type { InlineScanResponse } from '../../../src/lambda/on-demand.ts';
import {
  credentialsFor,
  emulatorEndpoint,
  emulatorSettings,
  hubCredentials,
  resetEmulator,
} from '../../support/emulator.ts';
import { createFunctionDependencies } from '../../support/function-dependencies.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';

const TABLE = 'estatescan-deployed-security-hub';
const REGION = 'eu-west-1';
const prod = DEMO_ACCOUNTS.production;
const RULES = ['s3-bucket-versioning-disabled', 'ecr-repository-tags-mutable'];

async function hubFindings(accountId: string): Promise<AwsSecurityFinding[]> {
  const client = new SecurityHubClient({
    region: REGION,
    endpoint: emulatorEndpoint(),
    credentials: await credentialsFor(accountId),
  });
  try {
    return (await client.send(new GetFindingsCommand({ MaxResults: 100 }))).Findings ?? [];
  } finally {
    client.destroy();
  }
}

describe('the deployment with securityHub set', () => {
  let invoke: (event: unknown) => Promise<InlineScanResponse>;

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    await ensureTable(new DynamoDBClient(clientConfig(REGION, hubCredentials, emulatorSettings())), TABLE);
    const env = readLambdaEnvironment({
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      FINDINGS_TABLE: TABLE,
      TARGET_ACCOUNTS: Object.values(DEMO_ACCOUNTS).join(','),
      TARGET_REGIONS: REGION,
      SECURITY_HUB: 'true',
      MAX_ATTEMPTS: '3',
      RETRY_MODE: 'standard',
    });
    const deps = createFunctionDependencies(env, { now: () => new Date('2026-11-25T12:00:00.000Z') });
    invoke = async (event) => {
      const output = captureOutput();
      try {
        return (await createScan(() => deps)(event, lambdaContext('estatescan-scan'))) as InlineScanResponse;
      } finally {
        output.restore();
      }
    };
  });

  it('sends nothing on a dry run', async () => {
    // Act
    const response = await invoke({ accounts: [prod], regions: [REGION], rules: RULES, dryRun: true });

    // Assess
    expect(response.findings.length).toBeGreaterThan(0);
    expect(await hubFindings(prod)).toEqual([]);
  });

  it("imports a scan's findings into the member account's own Security Hub, once per finding", async () => {
    // Act: the same scan twice.
    const first = await invoke({ accounts: [prod], regions: [REGION], rules: RULES, notify: false });
    const second = await invoke({ accounts: [prod], regions: [REGION], rules: RULES, notify: false });

    // Assess: every open finding is there, in the account it belongs to, with no duplicate.
    const inHub = await hubFindings(prod);
    const open = second.findings.filter((f) => f.status === 'open');
    expect(first.summary.failed).toBe(0);
    expect(second.summary.failed).toBe(0);
    expect(inHub.map((f) => f.AwsAccountId)).toEqual(open.map(() => prod));
    expect(new Set(inHub.map((f) => f.Id)).size).toBe(open.length);
    expect(inHub.map((f) => f.ProductArn)).toEqual(
      open.map(() => `arn:aws:securityhub:${REGION}:${prod}:product/${prod}/default`),
    );
  });
});
