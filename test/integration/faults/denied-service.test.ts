import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as ecrApi from '@aws-sdk/client-ecr';
import { ECRClient } from '@aws-sdk/client-ecr';
import { PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { AccountClients } from '../../../src/aws/clients.ts';
import { defaultAssumeRoleSettings } from '../../../src/aws/credentials.ts';
import { ScanSession } from '../../../src/aws/session.ts';
import { defaultRuleSettings } from '../../../src/engine/types.ts';
import type { ChangeSet } from '../../../src/findings/changes.ts';
import { DynamoDbFindingStore } from '../../../src/findings/dynamodb-store.ts';
import { ensureTable } from '../../../src/findings/table.ts';
import { persistRun } from '../../../src/scan/persist.ts';
import { runScan, type ScanOutcome } from '../../../src/scan/run-scan.ts';
import {
  clientsFor,
  emulatorEndpoint,
  emulatorSettings,
  HUB_ACCOUNT,
  resetEmulator,
} from '../../support/emulator.ts';
import { denyOperation } from '../../support/faults.ts';

const TABLE = 'estatescan-denied-test';
const prod = DEMO_ACCOUNTS.production;
const dev = DEMO_ACCOUNTS.development;
const regions = ['eu-west-1', 'us-east-1'];
const targets = [prod, dev].flatMap((accountId) => regions.map((region) => ({ accountId, region })));
// The emulator has no SSM managed instances, which the SSM rules read and the EC2 instance rules
// consult (an instance's OS), and no EKS add-ons: leaving those rules out keeps clean targets `ok`,
// so a `partial` target means the denial and nothing else.
const rules = allRules.filter(
  (r) =>
    !r.requires.includes('ssm.managedInstances') &&
    !r.requires.includes('ec2.instances') &&
    !r.requires.includes('eks.addons'),
);
const ecrRules = rules.filter((r) => r.service === 'ecr').map((r) => r.id);
/** Every ECR operation the SDK knows, so the denial covers whatever the collector calls. */
const ecrOperations = Object.keys(ecrApi)
  .filter((name) => name.endsWith('Command') && name !== 'Command')
  .map((name) => name.replace(/Command$/, ''));

describe('a service denied in one account', () => {
  let store: DynamoDbFindingStore;
  let day = 0;

  async function scanAndPersist(
    prepare?: (session: ScanSession) => void,
  ): Promise<{ outcome: ScanOutcome; changeSet: ChangeSet }> {
    day++;
    const at = new Date(Date.UTC(2026, 10, 25, day));
    const session = await ScanSession.create({
      homeRegion: 'eu-west-1',
      aws: emulatorSettings(),
      assumeRole: { ...defaultAssumeRoleSettings, sessionName: `estatescan-denied-${day}` },
    });
    prepare?.(session);
    const outcome = await runScan(session, {
      runId: `run-${day}`,
      targets,
      rules,
      ruleSettings: defaultRuleSettings,
      targetConcurrency: 4,
      itemConcurrency: 4,
      now: () => at,
    });
    session.destroy();
    const changeSet = await persistRun(store, {
      runId: outcome.report.runId,
      startedAt: outcome.report.startedAt,
      finishedAt: outcome.report.finishedAt,
      results: outcome.results,
      evaluations: outcome.evaluations,
      apiCalls: { calls: 0, attempts: 0, throttled: 0 },
      concurrency: 4,
    });
    return { outcome, changeSet };
  }

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
    const hub = new AccountClients(HUB_ACCOUNT, undefined, emulatorSettings());
    const dynamodb = hub.get(DynamoDBClient, 'eu-west-1');
    await ensureTable(dynamodb, TABLE);
    store = new DynamoDbFindingStore(dynamodb, TABLE);
  });

  it('leaves the target partial, reports the error, skips the ECR rules, and resolves none of their findings', async () => {
    // Prepare: a clean baseline, then a fix in the same target that a rescan must still notice.
    const baseline = await scanAndPersist();
    expect(baseline.outcome.report.targets.map((t) => t.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    const ecrBefore = await store.queryFindings({ status: 'open', accountId: prod, region: 'eu-west-1' });
    const prodEcrIds = ecrBefore
      .filter((f) => ecrRules.includes(f.ruleId))
      .map((f) => f.findingId)
      .sort();
    expect(prodEcrIds).toHaveLength(3);
    const prodClients = await clientsFor(prod);
    await prodClients.get(S3Client, 'eu-west-1').send(
      new PutBucketVersioningCommand({
        Bucket: 'acme-prod-logs',
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    prodClients.destroy();

    // Act: every ECR call in the production account is denied, in both regions.
    const { outcome, changeSet } = await scanAndPersist((session) => {
      for (const region of regions) {
        const ecr = session.account(prod).get(ECRClient, region);
        for (const operation of ecrOperations) denyOperation(ecr, operation, 'AccessDeniedException');
      }
    });

    // Assess: the targets of the production account are partial, the others untouched.
    expect(outcome.report.targets.map((t) => [t.accountId, t.region, t.status])).toEqual([
      [prod, 'eu-west-1', 'partial'],
      [prod, 'us-east-1', 'partial'],
      [dev, 'eu-west-1', 'ok'],
      [dev, 'us-east-1', 'ok'],
    ]);
    // The error names the account, region, operation and code.
    expect(outcome.report.errors).toEqual(
      expect.arrayContaining(
        regions.flatMap((region) => [
          expect.objectContaining({
            accountId: prod,
            region,
            source: 'ecr.repositories',
            operation: 'ecr:DescribeRepositories',
            code: 'AccessDeniedException',
          }),
          expect.objectContaining({
            accountId: prod,
            region,
            operation: 'ecr:GetRegistryScanningConfiguration',
            code: 'AccessDeniedException',
          }),
        ]),
      ),
    );
    expect(outcome.report.errors.every((e) => e.accountId === prod && e.operation.startsWith('ecr:'))).toBe(
      true,
    );
    // The ECR rules were not evaluated in the denied account, and said so; elsewhere they ran.
    const skipped = outcome.report.skippedRules.filter(
      (s) => s.accountId === prod && s.region === 'eu-west-1',
    );
    expect(skipped.map((s) => s.ruleId).sort()).toEqual([...ecrRules].sort());
    expect(skipped.every((s) => s.reason === 'source-failed' && /^not evaluated/.test(s.message))).toBe(true);
    expect(outcome.report.skippedRules.filter((s) => s.accountId === dev)).toEqual([]);
    // Reconciliation: the fixed bucket is resolved, and nothing else changes.
    expect(changeSet.changes.map((c) => [c.kind, c.finding.ruleId, c.finding.resourceId])).toEqual([
      ['resolved', 's3-bucket-versioning-disabled', 'acme-prod-logs'],
    ]);
    const openAfter = await store.queryFindings({ status: 'open', accountId: prod, region: 'eu-west-1' });
    expect(
      openAfter
        .filter((f) => ecrRules.includes(f.ruleId))
        .map((f) => f.findingId)
        .sort(),
    ).toEqual(prodEcrIds);
    expect(await store.queryFindings({ status: 'resolved', accountId: prod })).toEqual([
      expect.objectContaining({ ruleId: 's3-bucket-versioning-disabled', resourceId: 'acme-prod-logs' }),
    ]);
    // The run record keeps the target's status and its errors.
    const [run] = await store.recentRuns(1);
    const target = run?.targets.find((t) => t.accountId === prod && t.region === 'eu-west-1');
    expect(target?.status).toBe('partial');
    expect(target?.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ operation: 'ecr:DescribeRepositories', code: 'AccessDeniedException' }),
      ]),
    );
  });

  it('keeps the findings of a bucket whose versioning could not be read, and resolves them once it can be', async () => {
    // Prepare: the suspended bucket is fixed, but the next scan may not read its versioning.
    const bucket = 'acme-prod-dr-backups';
    const isOpen = async () =>
      (await store.queryFindings({ status: 'open', accountId: prod, region: 'us-east-1' })).some(
        (f) => f.ruleId === 's3-bucket-versioning-disabled' && f.resourceId === bucket,
      );
    expect(await isOpen()).toBe(true);
    const prodClients = await clientsFor(prod);
    await prodClients
      .get(S3Client, 'us-east-1')
      .send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
    prodClients.destroy();

    // Act: GetBucketVersioning is denied for that one bucket, whichever client asks.
    const denied = await scanAndPersist((session) => {
      for (const region of regions) {
        denyOperation(
          session.account(prod).get(S3Client, region),
          'GetBucketVersioning',
          'AccessDenied',
          (input) => input.Bucket === bucket,
        );
      }
    });

    // Assess: the error is reported against the bucket, the rule ran for the other buckets, and
    // nothing about this bucket changed: its finding is still open.
    expect(denied.outcome.report.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          accountId: prod,
          source: 's3.buckets',
          operation: 's3:GetBucketVersioning',
          code: 'AccessDenied',
          resourceId: bucket,
        }),
      ]),
    );
    expect(denied.changeSet.changes.filter((c) => c.finding.resourceId === bucket)).toEqual([]);
    expect(await isOpen()).toBe(true);

    // Act again: the denial is lifted; the fix is seen and the finding resolved, once.
    const clear = await scanAndPersist();
    expect(clear.changeSet.changes.map((c) => [c.kind, c.finding.ruleId, c.finding.resourceId])).toEqual([
      ['resolved', 's3-bucket-versioning-disabled', bucket],
    ]);
    expect(await isOpen()).toBe(false);
  });
});
