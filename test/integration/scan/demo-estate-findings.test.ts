import { beforeAll, describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { defaultAssumeRoleSettings } from '../../../src/aws/credentials.ts';
import { ScanSession } from '../../../src/aws/session.ts';
import { defaultRuleSettings } from '../../../src/engine/types.ts';
import { coverageTotals } from '../../../src/report/context.ts';
import { runScan } from '../../../src/scan/run-scan.ts';
import { emulatorEndpoint, resetEmulator } from '../../support/emulator.ts';

const prod = DEMO_ACCOUNTS.production;
const dev = DEMO_ACCOUNTS.development;
const edge = DEMO_ACCOUNTS.edge;

/**
 * Every finding the demo estate must produce on 2026-11-25, as account/region/rule/resource name,
 * and nothing else. (The estate's on-premises half lives outside the emulator; see the demo.)
 */
const expected = [
  `${prod}/eu-west-1/ec2-instance-os-eol/legacy-billing-1`,
  `${prod}/eu-west-1/ec2-instance-os-eol/legacy-billing-2`,
  `${prod}/eu-west-1/ec2-instance-os-eol/batch-1`,
  `${prod}/eu-west-1/ec2-instance-os-eol/reporting-win`,
  `${prod}/eu-west-1/ec2-instance-imdsv1-allowed/legacy-billing-1`,
  `${prod}/eu-west-1/ec2-instance-imdsv1-allowed/legacy-billing-2`,
  `${prod}/eu-west-1/ec2-instance-imdsv1-allowed/reporting-win`,
  `${prod}/eu-west-1/ec2-security-group-open-ingress/ssh-from-anywhere`,
  `${prod}/eu-west-1/eks-cluster-version-eol/platform-prod`,
  `${prod}/eu-west-1/eks-cluster-version-eol/platform-next`,
  `${prod}/eu-west-1/eks-nodegroup-ami-eol/general`,
  `${prod}/eu-west-1/eks-cluster-endpoint-public/platform-prod`,
  `${prod}/eu-west-1/ecr-repository-public/marketing/site`,
  `${prod}/eu-west-1/ecr-repository-scan-on-push-disabled/marketing/site`,
  `${prod}/eu-west-1/ecr-repository-tags-mutable/marketing/site`,
  `${prod}/eu-west-1/s3-bucket-versioning-disabled/acme-prod-logs`,
  `${prod}/us-east-1/ec2-instance-os-eol/dr-billing`,
  `${prod}/us-east-1/ec2-instance-os-eol/jump-win`,
  `${prod}/us-east-1/ec2-instance-imdsv1-allowed/dr-billing`,
  `${prod}/us-east-1/ec2-instance-imdsv1-allowed/jump-win`,
  `${prod}/us-east-1/ec2-security-group-open-ingress/rdp-open`,
  `${prod}/us-east-1/ec2-security-group-open-ingress/everything-open`,
  `${prod}/us-east-1/s3-bucket-versioning-disabled/acme-prod-dr-backups`,
  `${prod}/us-east-1/s3-bucket-public-access-not-blocked/acme-prod-dr-backups`,
  `${prod}/us-east-1/vpc-flow-logs-disabled/10.11.0.0/16`,
  `${dev}/eu-west-1/ec2-instance-os-eol/dev-worker`,
  `${dev}/eu-west-1/ec2-instance-imdsv1-allowed/dev-worker`,
  `${dev}/eu-west-1/ec2-security-group-open-ingress/dev-web`,
  `${dev}/eu-west-1/eks-cluster-version-eol/dev`,
  `${dev}/eu-west-1/ecr-repository-scan-on-push-disabled/sandbox/tools`,
  `${dev}/eu-west-1/ecr-repository-tags-mutable/sandbox/tools`,
  `${dev}/eu-west-1/s3-bucket-versioning-disabled/acme-dev-artifacts`,
  `${dev}/eu-west-1/s3-bucket-public-access-not-blocked/acme-dev-artifacts`,
  `${dev}/eu-west-1/vpc-flow-logs-disabled/10.20.0.0/16`,
  `${edge}/eu-west-1/ec2-security-group-open-ingress/edge-gateway`,
  `${edge}/eu-west-1/eks-cluster-version-eol/stores`,
].sort();

describe('estatescan scan on the demo estate (three accounts by AssumeRole, two regions)', () => {
  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
  });

  it('finds exactly the problems seeded into the estate, and nothing else', async () => {
    // Prepare
    const session = await ScanSession.create({
      homeRegion: 'eu-west-1',
      aws: { endpoint: emulatorEndpoint(), maxAttempts: 3, retryMode: 'standard' },
      assumeRole: { ...defaultAssumeRoleSettings, sessionName: 'estatescan-test' },
    });
    const targets = Object.values(DEMO_ACCOUNTS).flatMap((accountId) =>
      ['eu-west-1', 'us-east-1'].map((region) => ({ accountId, region })),
    );

    // Act
    const { report } = await runScan(session, {
      runId: 'test',
      targets,
      rules: allRules,
      ruleSettings: defaultRuleSettings,
      targetConcurrency: 4,
      itemConcurrency: 4,
      now: () => new Date('2026-11-25T12:00:00Z'),
    });
    session.destroy();

    // Assess
    // Resources are named by their Name tag (instances), group name, bucket, repository, cluster or
    // node group name, or CIDR (VPCs), since the emulator makes up the ids.
    const vpcCidr = new Map(
      report.inventory
        .filter((r) => r.resourceType === 'ec2.vpcs')
        .map((r) => [r.resourceId, r.detail.split(' · ')[0]]),
    );
    const nameOf = new Map(report.inventory.map((r) => [r.resourceId, r.name]));
    const found = report.findings.map((f) => {
      const name =
        vpcCidr.get(f.resourceId) ??
        nameOf.get(f.resourceId) ??
        nameOf.get(f.resourceArn ?? '') ??
        f.resourceId;
      return `${f.accountId}/${f.region}/${f.ruleId}/${name}`;
    });
    expect(found.sort()).toEqual(expected);
    // The emulator has no SSM managed instances: those rules were not evaluated, and said so.
    expect(report.skippedRules.map((s) => s.ruleId)).toEqual(
      expect.arrayContaining(['managed-instance-os-eol', 'managed-instance-connection-lost']),
    );
    expect(report.findings.every((f) => f.status === 'open' && f.remediation.length > 20)).toBe(true);
  });

  it('counts per rule the resources judged, failed and passed ("1 of 5 buckets"), per target and in all', async () => {
    // Prepare
    const session = await ScanSession.create({
      homeRegion: 'eu-west-1',
      aws: { endpoint: emulatorEndpoint(), maxAttempts: 3, retryMode: 'standard' },
      assumeRole: { ...defaultAssumeRoleSettings, sessionName: 'estatescan-test' },
    });
    const ids = [
      's3-bucket-versioning-disabled',
      'ecr-repository-public',
      'eks-cluster-version-eol',
      'ec2-instance-os-eol',
    ];

    // Act
    const { report } = await runScan(session, {
      runId: 'test',
      targets: Object.values(DEMO_ACCOUNTS).flatMap((accountId) =>
        ['eu-west-1', 'us-east-1'].map((region) => ({ accountId, region })),
      ),
      rules: allRules.filter((r) => ids.includes(r.id)),
      ruleSettings: defaultRuleSettings,
      targetConcurrency: 4,
      itemConcurrency: 4,
      now: () => new Date('2026-11-25T12:00:00Z'),
    });
    session.destroy();

    // Assess: the seeded estate's buckets (5), repositories (4), clusters (4) and the instances
    // whose OS could be told (12).
    const counts = (ruleId: string) => {
      const c = coverageTotals(report, ruleId);
      return c && [c.evaluated, c.failed, c.passed];
    };
    expect(counts('s3-bucket-versioning-disabled')).toEqual([5, 3, 2]);
    expect(counts('ecr-repository-public')).toEqual([4, 1, 3]);
    expect(counts('eks-cluster-version-eol')).toEqual([4, 4, 0]);
    expect(counts('ec2-instance-os-eol')).toEqual([12, 7, 5]);
    expect(
      coverageTotals(report, 's3-bucket-versioning-disabled', { accountId: prod, region: 'eu-west-1' }),
    ).toEqual({
      evaluated: 2,
      failed: 1,
      passed: 1,
      unevaluated: 0,
    });
    // Every finding is one failed resource of its rule's count.
    for (const id of ids) {
      expect(coverageTotals(report, id)?.failed, id).toBe(
        report.findings.filter((f) => f.ruleId === id).length,
      );
    }
  });
});
