/**
 * S3 collector against moto: two accounts (the hub, and a member reached by AssumeRole), buckets in
 * three regions of which two are scanned, versioning Enabled / Suspended / never, a bucket public
 * access block, default encryption, and the account public access block through S3 Control.
 *
 * Faults moto cannot produce (a denied call, a refused connection) are injected on the client the
 * collector will use (`denyOperation` from test/support/faults.ts, or an endpoint override): `AccountClients` hands out one client per service and region, so a middleware
 * added to `ctx.clients.get(S3Client, region)` is on the collector's client too.
 */
import { createServer } from 'node:net';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import type { AccountClients } from '../../../src/aws/clients.ts';
import type { CollectorContext } from '../../../src/inventory/collector.ts';
import { s3Collector } from '../../../src/inventory/collectors/s3.ts';
import type { Bucket, SourceId } from '../../../src/inventory/types.ts';
import {
  clientsFor,
  collectorContext,
  emulatorEndpoint,
  HUB_ACCOUNT,
  MEMBER_A,
  resetEmulator,
} from '../../support/emulator.ts';
import { denyOperation } from '../../support/faults.ts';

const allS3: ReadonlySet<SourceId> = new Set(['s3.buckets', 's3.accountPublicAccessBlock']);
const SCANNED = ['us-east-1', 'eu-west-1'] as const;

/**
 * Points a client's S3 Control requests at `url` (the client factory already sends them to the
 * emulator's one host; tests re-point them at a closed port to make the source fail) and counts the
 * requests sent.
 */
function routeS3Control(clients: AccountClients, region: string, url: string): { calls: number } {
  const client = clients.get(S3ControlClient, region);
  (client.config as { endpointProvider: unknown }).endpointProvider = () => ({ url: new URL(url) });
  const count = { calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      count.calls++;
      return next(args);
    },
    { step: 'initialize', name: 'testS3ControlCount' },
  );
  return count;
}

const onBucket = (name: string) => (input: Record<string, unknown>) => input.Bucket === name;

/** Adds `BucketRegion` to ListBuckets' answer, as AWS does and moto does not. */
function addBucketRegion(client: S3Client, regionOf: Record<string, string>): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ListBucketsCommand') {
        const output = result.output as { Buckets?: { Name?: string; BucketRegion?: string }[] };
        for (const b of output.Buckets ?? []) if (b.Name) b.BucketRegion = regionOf[b.Name];
      }
      return result;
    },
    { step: 'initialize', name: 'testBucketRegion' },
  );
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Contexts for several regions of one account, sharing its clients and account scope, as a scan does. */
async function accountContexts(
  accountId: string,
  regions: readonly string[],
  counter = new ApiCallCounter(),
): Promise<CollectorContext[]> {
  const first = await collectorContext(accountId, regions[0] ?? 'us-east-1', { counter, pageSize: 2 });
  return regions.map((region) => ({ ...first, region, errors: [] }));
}

function items<T>(result: { ok: true; items: T[] } | { ok: false } | undefined): T[] {
  if (!result?.ok) throw new Error(`source failed: ${JSON.stringify(result)}`);
  return result.items;
}

function byName(buckets: Bucket[]): Record<string, Bucket> {
  return Object.fromEntries(buckets.map((b) => [b.name, b]));
}

beforeAll(async () => {
  await resetEmulator();
  const hub = await clientsFor(HUB_ACCOUNT);
  const use1 = hub.get(S3Client, 'us-east-1');
  const euw1 = hub.get(S3Client, 'eu-west-1');
  await use1.send(new CreateBucketCommand({ Bucket: 'hub-use1-versioned' }));
  await use1.send(
    new PutBucketVersioningCommand({
      Bucket: 'hub-use1-versioned',
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  await use1.send(
    new PutPublicAccessBlockCommand({
      Bucket: 'hub-use1-versioned',
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  await use1.send(
    new PutBucketEncryptionCommand({
      Bucket: 'hub-use1-versioned',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    }),
  );
  await euw1.send(
    new CreateBucketCommand({
      Bucket: 'hub-euw1-suspended',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );
  await euw1.send(
    new PutBucketVersioningCommand({
      Bucket: 'hub-euw1-suspended',
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  await euw1.send(
    new PutBucketVersioningCommand({
      Bucket: 'hub-euw1-suspended',
      VersioningConfiguration: { Status: 'Suspended' },
    }),
  );
  await euw1.send(
    new PutBucketEncryptionCommand({
      Bucket: 'hub-euw1-suspended',
      ServerSideEncryptionConfiguration: {
        Rules: [
          { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/data' } },
        ],
      },
    }),
  );
  await euw1.send(
    new CreateBucketCommand({
      Bucket: 'hub-euw1-never',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );
  // `EU` is the legacy location constraint of eu-west-1; GetBucketLocation still answers it.
  await use1.send(
    new CreateBucketCommand({
      Bucket: 'hub-eu-legacy',
      CreateBucketConfiguration: { LocationConstraint: 'EU' },
    }),
  );
  await hub.get(S3Client, 'ap-northeast-1').send(
    new CreateBucketCommand({
      Bucket: 'hub-apne1-elsewhere',
      CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-1' },
    }),
  );
  routeS3Control(hub, 'us-east-1', emulatorEndpoint());
  await hub.get(S3ControlClient, 'us-east-1').send(
    new PutAccountPublicAccessBlockCommand({
      AccountId: HUB_ACCOUNT,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
    }),
  );

  const member = await clientsFor(MEMBER_A);
  await member.get(S3Client, 'eu-west-1').send(
    new CreateBucketCommand({
      Bucket: 'member-a-euw1',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    }),
  );
  await member.get(S3Client, 'eu-west-1').send(
    new PutBucketVersioningCommand({
      Bucket: 'member-a-euw1',
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  await member.get(S3Client, 'us-east-1').send(new CreateBucketCommand({ Bucket: 'member-a-use1' }));
  hub.destroy();
  member.destroy();
});

describe('s3Collector on the emulator', () => {
  it('lists buckets once per account and gives each region only its own buckets', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const [use1, euw1] = await accountContexts(HUB_ACCOUNT, SCANNED, counter);
    const control = SCANNED.map((region) => routeS3Control(use1!.clients, region, emulatorEndpoint()));

    // Act
    const [use1Sources, euw1Sources] = await Promise.all([
      s3Collector.collect(use1!, allS3),
      s3Collector.collect(euw1!, allS3),
    ]);

    // Assess
    expect(items(use1Sources['s3.buckets']).map((b) => b.name)).toEqual(['hub-use1-versioned']);
    expect(
      items(euw1Sources['s3.buckets'])
        .map((b) => b.name)
        .sort(),
    ).toEqual(['hub-eu-legacy', 'hub-euw1-never', 'hub-euw1-suspended']);
    expect(counter.get('s3:ListBuckets')?.calls).toBe(1);
    // moto's ListBuckets has no BucketRegion: one GetBucketLocation per bucket of the account, once.
    expect(counter.get('s3:GetBucketLocation')?.calls).toBe(5);
    const accountBlock = {
      accountId: HUB_ACCOUNT,
      publicAccessBlock: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: false,
        restrictPublicBuckets: false,
      },
    };
    expect(use1Sources['s3.accountPublicAccessBlock']).toEqual({ ok: true, items: [accountBlock] });
    expect(euw1Sources['s3.accountPublicAccessBlock']).toEqual({ ok: true, items: [accountBlock] });
    expect(control.reduce((sum, c) => sum + c.calls, 0)).toBe(1);
    expect([...use1!.errors, ...euw1!.errors]).toEqual([]);
  });

  it('reads versioning, the bucket public access block and default encryption of each bucket', async () => {
    // Prepare
    const [use1, euw1] = await accountContexts(HUB_ACCOUNT, SCANNED);

    // Act
    const [use1Sources, euw1Sources] = await Promise.all([
      s3Collector.collect(use1!, new Set<SourceId>(['s3.buckets'])),
      s3Collector.collect(euw1!, new Set<SourceId>(['s3.buckets'])),
    ]);

    // Assess
    const buckets = byName([...items(use1Sources['s3.buckets']), ...items(euw1Sources['s3.buckets'])]);
    expect(buckets['hub-use1-versioned']).toEqual({
      name: 'hub-use1-versioned',
      region: 'us-east-1',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      versioning: 'Enabled',
      publicAccessBlock: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
      encryption: 'AES256',
    });
    expect(buckets['hub-euw1-suspended']).toMatchObject({
      region: 'eu-west-1',
      versioning: 'Suspended',
      publicAccessBlock: null,
      encryption: 'aws:kms',
    });
    expect(buckets['hub-euw1-never']).toMatchObject({
      region: 'eu-west-1',
      versioning: 'Never',
      publicAccessBlock: null,
      encryption: null,
    });
    expect(buckets['hub-eu-legacy']).toMatchObject({ region: 'eu-west-1', versioning: 'Never' });
    expect(Object.keys(use1Sources)).toEqual(['s3.buckets']);
  });

  it('reads no default encryption for a scan, which no rule reads (details off)', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, 'eu-west-1', { counter, details: false });

    // Act
    const sources = await s3Collector.collect(ctx, new Set<SourceId>(['s3.buckets']));

    // Assess: what the rules read is there; encryption was not asked for, and said nowhere.
    const buckets = byName(items(sources['s3.buckets']));
    expect(buckets['hub-euw1-suspended']).toMatchObject({ versioning: 'Suspended', publicAccessBlock: null });
    expect(buckets['hub-euw1-suspended']).not.toHaveProperty('encryption');
    expect(counter.get('s3:GetBucketVersioning')?.calls).toBeGreaterThan(0);
    expect(counter.get('s3:GetBucketEncryption')).toBeUndefined();
    expect(ctx.errors).toEqual([]);
  });

  it('reads a member account reached through AssumeRole, which has no account public access block', async () => {
    // Prepare
    const [euw1] = await accountContexts(MEMBER_A, ['eu-west-1']);
    routeS3Control(euw1!.clients, 'eu-west-1', emulatorEndpoint());

    // Act
    const sources = await s3Collector.collect(euw1!, allS3);

    // Assess
    expect(items(sources['s3.buckets'])).toEqual([
      {
        name: 'member-a-euw1',
        region: 'eu-west-1',
        createdAt: expect.any(String),
        versioning: 'Enabled',
        publicAccessBlock: null,
        encryption: null,
      },
    ]);
    expect(sources['s3.accountPublicAccessBlock']).toEqual({
      ok: true,
      items: [{ accountId: MEMBER_A, publicAccessBlock: null }],
    });
  });

  it('takes the region from ListBuckets when it says (as AWS does) and skips GetBucketLocation', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const [euw1] = await accountContexts(HUB_ACCOUNT, ['eu-west-1'], counter);
    addBucketRegion(euw1!.clients.get(S3Client, 'eu-west-1'), {
      'hub-use1-versioned': 'us-east-1',
      'hub-euw1-suspended': 'eu-west-1',
      'hub-euw1-never': 'eu-west-1',
      'hub-eu-legacy': 'eu-west-1',
      'hub-apne1-elsewhere': 'ap-northeast-1',
    });

    // Act
    const sources = await s3Collector.collect(euw1!, new Set<SourceId>(['s3.buckets']));

    // Assess
    expect(
      items(sources['s3.buckets'])
        .map((b) => b.name)
        .sort(),
    ).toEqual(['hub-eu-legacy', 'hub-euw1-never', 'hub-euw1-suspended']);
    expect(counter.get('s3:GetBucketLocation')).toBeUndefined();
  });

  it('records an unreachable S3 Control as that source error while the buckets are collected', async () => {
    // Prepare
    const [use1] = await accountContexts(HUB_ACCOUNT, ['us-east-1']);
    routeS3Control(use1!.clients, 'us-east-1', await closedPortUrl());

    // Act
    const sources = await s3Collector.collect(use1!, allS3);

    // Assess
    expect(sources['s3.accountPublicAccessBlock']).toEqual({
      ok: false,
      error: expect.objectContaining({
        accountId: HUB_ACCOUNT,
        region: 'us-east-1',
        source: 's3.accountPublicAccessBlock',
        operation: 's3control:GetPublicAccessBlock',
        code: 'ECONNREFUSED',
      }),
    });
    expect(items(sources['s3.buckets']).map((b) => b.name)).toEqual(['hub-use1-versioned']);
  });

  it('keeps a bucket whose encryption could not be read, with the field unknown and the error recorded', async () => {
    // Prepare
    const [euw1] = await accountContexts(HUB_ACCOUNT, ['eu-west-1']);
    denyOperation(
      euw1!.clients.get(S3Client, 'eu-west-1'),
      'GetBucketEncryption',
      'AccessDenied',
      onBucket('hub-euw1-never'),
    );

    // Act
    const sources = await s3Collector.collect(euw1!, new Set<SourceId>(['s3.buckets']));

    // Assess
    const buckets = byName(items(sources['s3.buckets']));
    expect(buckets['hub-euw1-never']).toMatchObject({ versioning: 'Never', publicAccessBlock: null });
    expect(buckets['hub-euw1-never']).not.toHaveProperty('encryption');
    expect(buckets['hub-euw1-suspended']?.encryption).toBe('aws:kms');
    expect(euw1!.errors).toEqual([
      {
        accountId: HUB_ACCOUNT,
        region: 'eu-west-1',
        source: 's3.buckets',
        operation: 's3:GetBucketEncryption',
        code: 'AccessDenied',
        message: expect.stringContaining('not authorized'),
        resourceId: 'hub-euw1-never',
      },
    ]);
  });

  it('reports a failed ListBuckets in every region of the account, from one call', async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const [use1, euw1] = await accountContexts(HUB_ACCOUNT, SCANNED, counter);
    for (const region of SCANNED)
      denyOperation(use1!.clients.get(S3Client, region), 'ListBuckets', 'AccessDenied');

    // Act
    const results = await Promise.all([
      s3Collector.collect(use1!, new Set<SourceId>(['s3.buckets'])),
      s3Collector.collect(euw1!, new Set<SourceId>(['s3.buckets'])),
    ]);

    // Assess
    for (const [index, sources] of results.entries()) {
      expect(sources['s3.buckets']).toEqual({
        ok: false,
        error: expect.objectContaining({
          region: SCANNED[index],
          operation: 's3:ListBuckets',
          code: 'AccessDenied',
        }),
      });
    }
    expect(counter.get('s3:ListBuckets')?.calls).toBe(1);
  });

  it('fails the bucket list with the GetBucketLocation error when a bucket region cannot be told', async () => {
    // Prepare
    const [use1] = await accountContexts(HUB_ACCOUNT, ['us-east-1']);
    denyOperation(
      use1!.clients.get(S3Client, 'us-east-1'),
      'GetBucketLocation',
      'AccessDenied',
      onBucket('hub-eu-legacy'),
    );

    // Act
    const sources = await s3Collector.collect(use1!, new Set<SourceId>(['s3.buckets']));

    // Assess
    expect(sources['s3.buckets']).toEqual({
      ok: false,
      error: expect.objectContaining({ operation: 's3:GetBucketLocation', code: 'AccessDenied' }),
    });
  });
});
