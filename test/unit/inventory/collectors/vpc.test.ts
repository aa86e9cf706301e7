import { DescribeAvailabilityZonesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountClients } from '../../../../src/aws/clients.ts';
import { AccountScope, type CollectorContext } from '../../../../src/inventory/collector.ts';
import { vpcCollector } from '../../../../src/inventory/collectors/vpc.ts';
import type { SourceId } from '../../../../src/inventory/types.ts';

const ACCOUNT = '111111111111';
const REGION = 'us-west-2';
const ec2Mock = mockClient(EC2Client);
const zonesOnly: ReadonlySet<SourceId> = new Set(['ec2.availabilityZones']);

function makeContext(): CollectorContext {
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
  };
}

describe('vpcCollector: availability zones', () => {
  afterEach(() => {
    ec2Mock.reset();
  });

  it("(client mock: moto's zones are all availability-zone) reads Local and Wavelength Zones, opted in or not, in one call", async () => {
    // Prepare: shaped like the DescribeAvailabilityZones API reference.
    ec2Mock.on(DescribeAvailabilityZonesCommand).resolves({
      AvailabilityZones: [
        {
          State: 'available',
          OptInStatus: 'opt-in-not-required',
          Messages: [],
          RegionName: REGION,
          ZoneName: 'us-west-2a',
          ZoneId: 'usw2-az1',
          GroupName: 'us-west-2',
          NetworkBorderGroup: 'us-west-2',
          ZoneType: 'availability-zone',
        },
        {
          State: 'available',
          OptInStatus: 'opted-in',
          Messages: [],
          RegionName: REGION,
          ZoneName: 'us-west-2-lax-1a',
          ZoneId: 'usw2-lax1-az1',
          GroupName: 'us-west-2-lax-1',
          NetworkBorderGroup: 'us-west-2-lax-1',
          ZoneType: 'local-zone',
          ParentZoneName: 'us-west-2d',
          ParentZoneId: 'usw2-az4',
        },
        {
          State: 'available',
          OptInStatus: 'not-opted-in',
          Messages: [],
          RegionName: REGION,
          ZoneName: 'us-west-2-wl1-sea-wlz-1',
          ZoneId: 'usw2-wl1-sea-wlz1',
          GroupName: 'us-west-2-wl1',
          NetworkBorderGroup: 'us-west-2-wl1-sea-wlz-1',
          ZoneType: 'wavelength-zone',
          ParentZoneName: 'us-west-2a',
          ParentZoneId: 'usw2-az1',
        },
      ],
    });

    // Act
    const sources = await vpcCollector.collect(makeContext(), zonesOnly);

    // Assess
    expect(sources).toEqual({
      'ec2.availabilityZones': {
        ok: true,
        items: [
          {
            zoneName: 'us-west-2a',
            zoneId: 'usw2-az1',
            zoneType: 'availability-zone',
            optInStatus: 'opt-in-not-required',
            state: 'available',
            groupName: 'us-west-2',
            networkBorderGroup: 'us-west-2',
          },
          {
            zoneName: 'us-west-2-lax-1a',
            zoneId: 'usw2-lax1-az1',
            zoneType: 'local-zone',
            optInStatus: 'opted-in',
            state: 'available',
            parentZoneName: 'us-west-2d',
            groupName: 'us-west-2-lax-1',
            networkBorderGroup: 'us-west-2-lax-1',
          },
          expect.objectContaining({ zoneType: 'wavelength-zone', optInStatus: 'not-opted-in' }),
        ],
      },
    });
    expect(ec2Mock.commandCalls(DescribeAvailabilityZonesCommand).map((c) => c.args[0].input)).toEqual([
      { AllAvailabilityZones: true },
    ]);
  });

  it('(client mock) fails the source with the operation when the call is denied', async () => {
    // Prepare
    ec2Mock
      .on(DescribeAvailabilityZonesCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation', $metadata: {} }));

    // Act
    const sources = await vpcCollector.collect(makeContext(), zonesOnly);

    // Assess
    expect(sources['ec2.availabilityZones']).toEqual({
      ok: false,
      error: expect.objectContaining({
        source: 'ec2.availabilityZones',
        operation: 'ec2:DescribeAvailabilityZones',
        code: 'UnauthorizedOperation',
      }),
    });
  });
});
