import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNTS,
  DEMO_ESTATE,
  DEMO_HUB_CREDENTIALS,
  seedDemoEstate,
} from '../../../scripts/demo/estate.ts';
import { defaultAssumeRoleSettings } from '../../../src/aws/credentials.ts';
import { ScanSession } from '../../../src/aws/session.ts';
import { main } from '../../../src/cli/main.ts';
import { allSources } from '../../../src/inventory/collect.ts';
import type { PlacementSummary } from '../../../src/inventory/placement.ts';
import type { Snapshot } from '../../../src/inventory/types.ts';
import { collectTargets } from '../../../src/scan/run-inventory.ts';
import { captureIo } from '../../support/capture-io.ts';
import { emulatorEndpoint, resetEmulator } from '../../support/emulator.ts';
import { denyOperation } from '../../support/faults.ts';

const accounts = Object.values(DEMO_ACCOUNTS);
const regions = ['eu-west-1', 'us-east-1'];

describe('estatescan inventory on the demo estate (three accounts by AssumeRole, two regions)', () => {
  beforeAll(async () => {
    await resetEmulator();
    // The SDK's default credential chain reads these; moto maps the key to its default account.
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
  });

  it('lists every seeded instance, bucket and repository in the right account and region, as JSON', async () => {
    // Prepare
    const io = captureIo();
    const env = { endpoint: emulatorEndpoint(), region: 'eu-west-1', interactive: false };

    // Act
    const code = await main(
      ['inventory', '--accounts', accounts.join(','), '--regions', regions.join(','), '--format', 'json'],
      env,
      io,
    );

    // Assess
    const report = JSON.parse(io.out.join('')) as {
      snapshots: Snapshot[];
      targets: { status: string }[];
      placement: PlacementSummary;
    };
    expect(report.targets).toHaveLength(6);
    for (const [accountId, byRegion] of Object.entries(DEMO_ESTATE)) {
      for (const region of regions) {
        const spec = byRegion[region as keyof typeof byRegion];
        const snapshot = report.snapshots.find((s) => s.accountId === accountId && s.region === region)!;
        const instances = snapshot.sources['ec2.instances'];
        expect(instances?.ok && instances.items.map((i) => i.tags.Name).sort()).toEqual(
          (spec?.instances ?? []).map((i) => i.name).sort(),
        );
        const buckets = snapshot.sources['s3.buckets'];
        expect(buckets?.ok && buckets.items.map((b) => b.name).sort()).toEqual(
          (spec?.buckets ?? []).map((b) => b.name).sort(),
        );
        const repositories = snapshot.sources['ecr.repositories'];
        expect(repositories?.ok && repositories.items.map((r) => r.repositoryName).sort()).toEqual(
          (spec?.repositories ?? []).map((r) => r.name).sort(),
        );
        const clusters = snapshot.sources['eks.clusters'];
        expect(clusters?.ok && clusters.items.map((c) => `${c.name}@${c.version}`).sort()).toEqual(
          (spec?.eksClusters ?? []).map((c) => `${c.name}@${c.version}`).sort(),
        );
      }
    }
    const legacy = report.snapshots
      .flatMap((s) => (s.sources['ec2.instances']?.ok ? s.sources['ec2.instances'].items : []))
      .find((i) => i.tags.Name === 'legacy-billing-1');
    expect(legacy?.os).toMatchObject({ known: true, family: 'centos', version: '7' });
    // Where the containers run: the Fargate services and the EKS Fargate profile, the EC2 service.
    expect(report.placement.estate.find((p) => p.where === 'fargate')).toMatchObject({
      services: 2,
      tasks: 4,
      fargateProfiles: 1,
    });
    expect(report.placement.estate.find((p) => p.where === 'cloud')).toMatchObject({ services: 1, tasks: 1 });
    // The emulator has no SSM managed instances API: that source fails, is reported, and exits 3.
    expect(code).toBe(3);
    expect(io.err.join('')).toMatch(/ssm:DescribeInstanceInformation/);
  });

  it('prints counts per account and region, then the details, as a table', async () => {
    // Prepare
    const io = captureIo();
    const env = { endpoint: emulatorEndpoint(), region: 'eu-west-1', interactive: false };

    // Act
    await main(
      ['inventory', '--accounts', DEMO_ACCOUNTS.production, '--regions', 'eu-west-1', '--quiet'],
      env,
      io,
    );

    // Assess
    const text = io.out.join('');
    expect(text).toMatch(/^Inventory: 1 targets/);
    expect(text).toMatch(/EC2 \(ec2\.instances\)/);
    expect(text).toMatch(/legacy-billing-1.*CentOS Linux 7/);
    expect(text).toMatch(/acme-prod-invoices/);
  });

  it('rejects bad options with exit code 2 and every problem listed', async () => {
    // Prepare
    const io = captureIo();
    const env = { endpoint: emulatorEndpoint(), region: 'eu-west-1', interactive: false };

    // Act
    const code = await main(
      ['inventory', '--accounts', '12345,abc', '--regions', 'mars-1', '--format', 'xml'],
      env,
      io,
    );

    // Assess
    expect(code).toBe(2);
    const err = io.err.join('');
    expect(err).toMatch(/accounts\[1\]: an account id is 12 digits/);
    expect(err).toMatch(/regions\[1\]: a region looks like eu-west-1/);
    expect(err).toMatch(/--format: must be one of table, json, csv/);
  });

  it('marks the targets of an account whose role cannot be assumed as failed, and scans the others', async () => {
    // Prepare
    const session = await ScanSession.create({
      homeRegion: 'eu-west-1',
      aws: { endpoint: emulatorEndpoint(), maxAttempts: 2, retryMode: 'standard' },
      assumeRole: { ...defaultAssumeRoleSettings, sessionName: 'estatescan-test' },
    });
    denyOperation(session.sts, 'AssumeRole', 'AccessDenied', (input) =>
      String(input.RoleArn).includes(DEMO_ACCOUNTS.edge),
    );
    const targets = accounts.map((accountId) => ({ accountId, region: 'eu-west-1' }));

    // Act
    const results = await collectTargets(session, {
      targets,
      wanted: allSources,
      details: true,
      targetConcurrency: 3,
      itemConcurrency: 4,
      now: () => new Date(),
    });
    session.destroy();

    // Assess
    const edge = results.find((r) => r.accountId === DEMO_ACCOUNTS.edge)!;
    expect(edge.status).toBe('failed');
    expect(edge.snapshot).toBeUndefined();
    expect(edge.errors).toEqual([
      expect.objectContaining({ source: 'credentials', operation: 'sts:AssumeRole', code: 'AccessDenied' }),
    ]);
    expect(edge.errors[0]?.message).toMatch(/arn:aws:iam::333333333333:role\/EstatescanReadOnly/);
    const production = results.find((r) => r.accountId === DEMO_ACCOUNTS.production)!;
    const instances = production.snapshot?.sources['ec2.instances'];
    expect(instances?.ok && instances.items.length).toBe(
      DEMO_ESTATE[DEMO_ACCOUNTS.production]?.['eu-west-1']?.instances.length,
    );
    // One AssumeRole per account however many regions and services: credentials are cached.
    expect(session.counter.get('sts:AssumeRole')?.calls).toBe(3);
  });
});
