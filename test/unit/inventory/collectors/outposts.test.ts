import {
  AccessDeniedException,
  type AssetInfo,
  ListAssetsCommand,
  ListOutpostsCommand,
  ListSitesCommand,
  NotFoundException,
  OutpostsClient,
} from '@aws-sdk/client-outposts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountClients } from '../../../../src/aws/clients.ts';
import { AccountScope, type CollectorContext } from '../../../../src/inventory/collector.ts';
import { outpostsCollector } from '../../../../src/inventory/collectors/outposts.ts';
import type { SourceId } from '../../../../src/inventory/types.ts';

const ACCOUNT = '111111111111';
const OWNER = '999999999999';
const REGION = 'eu-west-1';
const wanted: ReadonlySet<SourceId> = new Set(['outposts.outposts']);

const outpostsMock = mockClient(OutpostsClient);

function makeContext(options: { pageSize?: number; details?: boolean } = {}): CollectorContext {
  return {
    accountId: ACCOUNT,
    region: REGION,
    clients: new AccountClients(
      ACCOUNT,
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
      { maxAttempts: 1, retryMode: 'standard' },
    ),
    concurrency: 4,
    account: new AccountScope(),
    errors: [],
    details: options.details ?? true,
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  };
}

/** An Outpost shaped like the ListOutposts API reference. */
const outpost = (id: string, ownerId: string, extra: Record<string, unknown> = {}) => ({
  OutpostId: id,
  OwnerId: ownerId,
  OutpostArn: `arn:aws:outposts:${REGION}:${ownerId}:outpost/${id}`,
  SiteId: 'os-0abcdef1234567890',
  SiteArn: `arn:aws:outposts:${REGION}:${ownerId}:site/os-0abcdef1234567890`,
  Name: `rack ${id}`,
  Description: 'plant floor rack',
  LifeCycleStatus: 'ACTIVE',
  AvailabilityZone: 'eu-west-1b',
  AvailabilityZoneId: 'euw1-az2',
  SupportedHardwareType: 'RACK' as const,
  Tags: { site: 'plant-1' },
  ...extra,
});

/** A compute asset shaped like the ListAssets API reference. */
const host = (
  id: string,
  state: 'ACTIVE' | 'ISOLATED' | 'RETIRING',
  families: string[],
  vcpus: number,
): AssetInfo => ({
  AssetId: id,
  RackId: 'NA1234567890',
  AssetType: 'COMPUTE',
  ComputeAttributes: { HostId: `h-${id}`, State: state, InstanceFamilies: families, MaxVcpus: vcpus },
  AssetLocation: { RackElevation: 10 },
});

describe('outpostsCollector', () => {
  afterEach(() => {
    outpostsMock.reset();
  });

  it('(client mock: moto cannot emulate AWS Outposts) lists owned and shared Outposts over pages, with the site and capacity of owned ones', async () => {
    // Prepare
    outpostsMock
      .on(ListOutpostsCommand)
      .resolvesOnce({ Outposts: [outpost('op-0001', ACCOUNT)], NextToken: 'page-2' })
      .resolvesOnce({
        Outposts: [
          outpost('op-0002', OWNER, { SupportedHardwareType: 'SERVER', SiteId: 'os-0fedcba9876543210' }),
        ],
      });
    outpostsMock.on(ListSitesCommand).resolves({
      Sites: [{ SiteId: 'os-0abcdef1234567890', AccountId: ACCOUNT, Name: 'Plant 1', Description: 'Lyon' }],
    });
    outpostsMock
      .on(ListAssetsCommand)
      .resolvesOnce({
        Assets: [host('a1', 'ACTIVE', ['m5', 'c5'], 96), host('a2', 'ACTIVE', ['m5'], 96)],
        NextToken: 'more',
      })
      .resolvesOnce({ Assets: [host('a3', 'RETIRING', ['r5'], 96)] });
    const ctx = makeContext({ pageSize: 1 });

    // Act
    const sources = await outpostsCollector.collect(ctx, wanted);

    // Assess
    expect(sources['outposts.outposts']).toEqual({
      ok: true,
      items: [
        {
          outpostId: 'op-0001',
          outpostArn: `arn:aws:outposts:${REGION}:${ACCOUNT}:outpost/op-0001`,
          name: 'rack op-0001',
          ownerId: ACCOUNT,
          siteId: 'os-0abcdef1234567890',
          siteName: 'Plant 1',
          availabilityZone: 'eu-west-1b',
          availabilityZoneId: 'euw1-az2',
          lifeCycleStatus: 'ACTIVE',
          supportedHardwareType: 'RACK',
          capacity: { hosts: 3, activeHosts: 2, maxVcpus: 288, instanceFamilies: ['c5', 'm5', 'r5'] },
          tags: { site: 'plant-1' },
        },
        // Shared with the account by its owner: neither its site nor its assets can be read here.
        expect.objectContaining({ outpostId: 'op-0002', ownerId: OWNER, supportedHardwareType: 'SERVER' }),
      ],
    });
    const shared = sources['outposts.outposts']?.ok ? sources['outposts.outposts'].items[1] : undefined;
    expect(shared?.capacity).toBeUndefined();
    expect(shared?.siteName).toBeUndefined();
    // Two pages of one (the paginator reuses its input object, so only the last token can be read).
    const listCalls = outpostsMock.commandCalls(ListOutpostsCommand).map((c) => c.args[0].input);
    expect(listCalls).toHaveLength(2);
    expect(listCalls.every((input) => input.MaxResults === 1)).toBe(true);
    expect(listCalls[1]?.NextToken).toBe('page-2');
    expect(outpostsMock.commandCalls(ListSitesCommand)).toHaveLength(1);
    expect(
      outpostsMock.commandCalls(ListAssetsCommand).map((c) => c.args[0].input.OutpostIdentifier),
    ).toEqual(['op-0001', 'op-0001']);
    expect(ctx.errors).toEqual([]);
  });

  it('(client mock) keeps an Outpost whose assets cannot be read, recording the failure', async () => {
    // Prepare
    outpostsMock.on(ListOutpostsCommand).resolves({ Outposts: [outpost('op-0001', ACCOUNT)] });
    outpostsMock.on(ListSitesCommand).resolves({ Sites: [] });
    outpostsMock
      .on(ListAssetsCommand)
      .rejects(new NotFoundException({ $metadata: { httpStatusCode: 404 }, message: 'Outpost not found' }));
    const ctx = makeContext();

    // Act
    const sources = await outpostsCollector.collect(ctx, wanted);

    // Assess
    const items = sources['outposts.outposts']?.ok ? sources['outposts.outposts'].items : [];
    expect(items.map((o) => [o.outpostId, o.capacity, o.siteName])).toEqual([
      ['op-0001', undefined, undefined],
    ]);
    expect(ctx.errors).toEqual([
      expect.objectContaining({
        source: 'outposts.outposts',
        operation: 'outposts:ListAssets',
        code: 'NotFoundException',
        resourceId: 'op-0001',
      }),
    ]);
  });

  it('(client mock) reads no sites or assets for a scan, which has no rule for them', async () => {
    // Prepare
    outpostsMock.on(ListOutpostsCommand).resolves({ Outposts: [outpost('op-0001', ACCOUNT)] });

    // Act
    const sources = await outpostsCollector.collect(makeContext({ details: false }), wanted);

    // Assess
    expect(sources['outposts.outposts']?.ok && sources['outposts.outposts'].items).toHaveLength(1);
    expect(outpostsMock.commandCalls(ListSitesCommand)).toHaveLength(0);
    expect(outpostsMock.commandCalls(ListAssetsCommand)).toHaveLength(0);
  });

  it('(client mock) reports an empty list when the account has no Outposts, and makes no other call', async () => {
    // Prepare
    outpostsMock.on(ListOutpostsCommand).resolves({ Outposts: [] });

    // Act
    const sources = await outpostsCollector.collect(makeContext(), wanted);

    // Assess
    expect(sources['outposts.outposts']).toEqual({ ok: true, items: [] });
    expect(outpostsMock.calls()).toHaveLength(1);
  });

  it('(client mock) fails the source, with the operation and code, when ListOutposts is denied', async () => {
    // Prepare
    outpostsMock.on(ListOutpostsCommand).rejects(
      new AccessDeniedException({
        $metadata: { httpStatusCode: 403 },
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/EstatescanReadOnly/scan is not authorized to perform: outposts:ListOutposts`,
      }),
    );

    // Act
    const sources = await outpostsCollector.collect(makeContext(), wanted);

    // Assess
    expect(sources['outposts.outposts']).toEqual({
      ok: false,
      error: expect.objectContaining({
        accountId: ACCOUNT,
        region: REGION,
        source: 'outposts.outposts',
        operation: 'outposts:ListOutposts',
        code: 'AccessDeniedException',
      }),
    });
  });

  it('collects nothing when the source is not wanted', async () => {
    // Act and assess
    expect(await outpostsCollector.collect(makeContext(), new Set())).toEqual({});
    expect(outpostsMock.calls()).toHaveLength(0);
  });
});
