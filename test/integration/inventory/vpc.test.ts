import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import { vpcCollector } from '../../../src/inventory/collectors/vpc.ts';
import { inventoryRows } from '../../../src/inventory/rows.ts';
import type { SourceId } from '../../../src/inventory/types.ts';
import { makeSnapshot } from '../../fixtures/snapshot.ts';
import { clientsFor, collectorContext, HUB_ACCOUNT, resetEmulator } from '../../support/emulator.ts';

const REGION = 'us-west-2';
const zonesAndSubnets = new Set<SourceId>(['ec2.availabilityZones', 'ec2.subnets']);

describe('VPC collector against the emulator: availability zones', () => {
  beforeAll(async () => {
    await resetEmulator();
    const clients = await clientsFor(HUB_ACCOUNT);
    const ec2 = clients.get(EC2Client, REGION);
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
    await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.1.0/24', AvailabilityZone: 'us-west-2c' }),
    );
    clients.destroy();
  });

  it("reads the region's zones in one call, and places every subnet by its zone", async () => {
    // Prepare
    const counter = new ApiCallCounter();
    const ctx = await collectorContext(HUB_ACCOUNT, REGION, { counter });

    // Act
    const sources = await vpcCollector.collect(ctx, zonesAndSubnets);
    const rows = inventoryRows(makeSnapshot(sources, { accountId: HUB_ACCOUNT, region: REGION }));

    // Assess: moto knows only Availability Zones (the unit test reads Local and Wavelength Zones from
    // a response shaped like the API reference).
    const zones = sources['ec2.availabilityZones']?.ok ? sources['ec2.availabilityZones'].items : [];
    expect(zones.length).toBeGreaterThanOrEqual(3);
    expect(zones.find((z) => z.zoneName === 'us-west-2c')).toMatchObject({
      zoneId: expect.stringMatching(/^usw2-az\d$/),
      zoneType: 'availability-zone',
      state: 'available',
    });
    expect(zones.every((z) => z.zoneType === 'availability-zone')).toBe(true);
    const subnets = rows.filter((r) => r.resourceType === 'ec2.subnets');
    expect(subnets.length).toBeGreaterThanOrEqual(4);
    expect(subnets.every((r) => r.location === 'cloud')).toBe(true);
    // Standard zones are no inventory rows of their own: only opted-in Local and Wavelength Zones are.
    expect(rows.some((r) => r.resourceType === 'ec2.availabilityZones')).toBe(false);
    expect(counter.get('ec2:DescribeAvailabilityZones')?.calls).toBe(1);
    expect(ctx.errors).toEqual([]);
  });
});
