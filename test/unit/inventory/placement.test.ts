import { describe, expect, it } from 'vitest';
import {
  placementIndex,
  placementOfZoneName,
  placementOfZoneType,
  placementSummary,
} from '../../../src/inventory/placement.ts';
import { type InventoryRow, servicePlacement } from '../../../src/inventory/rows.ts';
import { FIXTURE_OUTPOST_ARN, makeEcsService, makeZone } from '../../fixtures/placement.ts';
import { FIXTURE_REGION, makeInstance, makeSnapshot, makeSubnet, ok } from '../../fixtures/snapshot.ts';

const LZ = `${FIXTURE_REGION}-lhr-1a`;
const WLZ = `${FIXTURE_REGION}-wl1-dub-wlz-1`;

describe('placementOfZoneType and placementOfZoneName', () => {
  it('maps the zone types DescribeAvailabilityZones gives', () => {
    expect(
      ['availability-zone', 'local-zone', 'wavelength-zone', 'something-new', undefined].map(
        placementOfZoneType,
      ),
    ).toEqual(['cloud', 'local-zone', 'wavelength', undefined, undefined]);
  });

  it('tells a zone from its name when the zones were not read (a scan)', () => {
    expect(
      [`${FIXTURE_REGION}a`, 'us-west-2-lax-1a', 'us-east-1-wl1-bos-wlz-1', 'us-east-1-atl-2a'].map((z) =>
        placementOfZoneName(
          z,
          z.startsWith('us-west-2') ? 'us-west-2' : z.startsWith('us-east-1') ? 'us-east-1' : FIXTURE_REGION,
        ),
      ),
    ).toEqual(['cloud', 'local-zone', 'wavelength', 'local-zone']);
  });
});

describe('placementIndex', () => {
  const snapshot = makeSnapshot({
    'ec2.availabilityZones': ok([
      makeZone(),
      makeZone({ zoneName: LZ, zoneId: 'euw1-lhr1-az1', zoneType: 'local-zone', optInStatus: 'opted-in' }),
      // The zone's type wins over its name.
      makeZone({ zoneName: `${FIXTURE_REGION}-odd-1a`, zoneType: 'availability-zone' }),
      makeZone({ zoneName: WLZ, zoneType: 'wavelength-zone', optInStatus: 'opted-in' }),
    ]),
    'ec2.subnets': ok([
      makeSubnet({ subnetId: 'subnet-cloud', availabilityZone: `${FIXTURE_REGION}a` }),
      makeSubnet({ subnetId: 'subnet-lz', availabilityZone: LZ }),
      makeSubnet({ subnetId: 'subnet-odd', availabilityZone: `${FIXTURE_REGION}-odd-1a` }),
      makeSubnet({ subnetId: 'subnet-wl', availabilityZone: WLZ }),
      makeSubnet({
        subnetId: 'subnet-op',
        availabilityZone: `${FIXTURE_REGION}b`,
        outpostArn: FIXTURE_OUTPOST_ARN,
      }),
    ]),
    'ec2.instances': ok([
      makeInstance({ instanceId: 'i-lz', subnetId: 'subnet-lz' }),
      makeInstance({ instanceId: 'i-nowhere', subnetId: 'subnet-unknown' }),
    ]),
  });
  const where = placementIndex(snapshot);

  it('places subnets by their Outpost, else their zone', () => {
    expect(
      ['subnet-cloud', 'subnet-lz', 'subnet-odd', 'subnet-wl', 'subnet-op', 'subnet-gone'].map(
        where.ofSubnet,
      ),
    ).toEqual(['cloud', 'local-zone', 'cloud', 'wavelength', 'outpost', undefined]);
  });

  it('places a set of subnets where they all are, else at the most specific edge among them', () => {
    expect(where.ofSubnets(['subnet-lz', 'subnet-lz'])).toBe('local-zone');
    expect(where.ofSubnets(['subnet-cloud', 'subnet-wl', 'subnet-op'])).toBe('outpost');
    expect(where.ofSubnets(['subnet-cloud', 'subnet-gone'])).toBe('cloud');
    expect(where.ofSubnets([])).toBe('cloud');
  });

  it('places instances by their subnet, and knows nothing of an instance it has not seen', () => {
    expect([where.ofInstance('i-lz'), where.ofInstance('i-nowhere'), where.ofInstance('i-other')]).toEqual([
      'local-zone',
      'cloud',
      undefined,
    ]);
  });
});

describe('servicePlacement', () => {
  const ofSubnets = (ids: readonly string[]) => (ids.includes('subnet-lz') ? 'local-zone' : 'cloud');

  it.each([
    ['launch type FARGATE', makeEcsService(), [], 'fargate'],
    [
      'a FARGATE_SPOT strategy',
      makeEcsService({
        launchType: undefined,
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }],
      }),
      [],
      'fargate',
    ],
    [
      "the cluster's default Fargate strategy",
      makeEcsService({ launchType: undefined }),
      [{ capacityProvider: 'FARGATE', weight: 1 }],
      'fargate',
    ],
    ['launch type EXTERNAL (ECS Anywhere)', makeEcsService({ launchType: 'EXTERNAL' }), [], 'on-premises'],
    [
      'an Auto Scaling group provider in a Local Zone',
      makeEcsService({
        launchType: undefined,
        capacityProviderStrategy: [{ capacityProvider: 'lz-asg' }],
        subnetIds: ['subnet-lz'],
      }),
      [],
      'local-zone',
    ],
    [
      'launch type EC2 in the region',
      makeEcsService({ launchType: 'EC2', subnetIds: ['subnet-a'] }),
      [],
      'cloud',
    ],
    ['neither (EC2 by default)', makeEcsService({ launchType: undefined }), [], 'cloud'],
  ])('places a service with %s', (_what, service, clusterDefault, expected) => {
    expect(servicePlacement(service, clusterDefault, ofSubnets)).toBe(expected);
  });
});

describe('placementSummary', () => {
  const row = (
    accountId: string,
    region: string,
    location: string,
    counts?: InventoryRow['counts'],
  ): InventoryRow => ({
    accountId,
    region,
    resourceType: 'ecs.services',
    resourceId: `${accountId}-${region}-${location}`,
    name: '',
    state: '',
    location,
    os: '',
    detail: '',
    ...(counts ? { counts } : {}),
  });

  it('adds up per account, region and kind, and for the estate, in a stable order', () => {
    // Prepare
    const rows = [
      row('222222222222', 'eu-west-1', 'on-premises', { containerInstances: 1, machines: 1 }),
      row('111111111111', 'eu-west-1', 'fargate', { services: 1, tasks: 4 }),
      row('111111111111', 'eu-west-1', 'cloud', { clusters: 1 }),
      row('111111111111', 'eu-west-1', 'fargate', { services: 1, tasks: 2 }),
      row('222222222222', 'eu-west-1', 'fargate', { fargateProfiles: 1 }),
      // Rows that add nothing, or are not placed (ECR Public is global), are left out.
      row('111111111111', 'eu-west-1', 'outpost'),
      row('111111111111', 'us-east-1', 'global', { clusters: 1 }),
    ];

    // Act
    const summary = placementSummary(rows);

    // Assess
    const zero = {
      clusters: 0,
      services: 0,
      tasks: 0,
      fargateProfiles: 0,
      nodes: 0,
      containerInstances: 0,
      machines: 0,
    };
    expect(summary.targets).toEqual([
      { ...zero, accountId: '111111111111', region: 'eu-west-1', where: 'cloud', clusters: 1 },
      { ...zero, accountId: '111111111111', region: 'eu-west-1', where: 'fargate', services: 2, tasks: 6 },
      { ...zero, accountId: '222222222222', region: 'eu-west-1', where: 'fargate', fargateProfiles: 1 },
      {
        ...zero,
        accountId: '222222222222',
        region: 'eu-west-1',
        where: 'on-premises',
        containerInstances: 1,
        machines: 1,
      },
    ]);
    expect(summary.estate).toEqual([
      { ...zero, where: 'cloud', clusters: 1 },
      { ...zero, where: 'fargate', services: 2, tasks: 6, fargateProfiles: 1 },
      { ...zero, where: 'on-premises', containerInstances: 1, machines: 1 },
    ]);
  });

  it('is empty for no rows', () => {
    expect(placementSummary([])).toEqual({ targets: [], estate: [] });
  });
});
