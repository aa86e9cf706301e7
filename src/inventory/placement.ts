/**
 * Where things run: the kind of capacity under a resource, and the placement summary (how many
 * clusters, services, tasks, nodes and hosts run on each kind) per account and region and for the
 * whole estate.
 *
 * - `cloud`: an AWS Region's Availability Zones.
 * - `fargate`: AWS Fargate (ECS services on FARGATE or FARGATE_SPOT, EKS Fargate profiles).
 * - `outpost`: an AWS Outposts rack or server in a customer's data centre (a subnet's Outpost ARN,
 *   an EKS local cluster's control plane).
 * - `local-zone`, `wavelength`: a subnet in a Local Zone or a Wavelength Zone (the zone's type from
 *   `DescribeAvailabilityZones`; from the zone's name when zones were not read, as in a scan).
 * - `on-premises`: the customer's own machines (ECS Anywhere, EKS hybrid nodes, SSM hybrid activations).
 * - `connected`: a Kubernetes cluster run elsewhere, registered through EKS Connector.
 */
import type { InventoryRow } from './rows.ts';
import type { AvailabilityZone, Snapshot, Subnet } from './types.ts';

export const placements = [
  'cloud',
  'fargate',
  'outpost',
  'local-zone',
  'wavelength',
  'on-premises',
  'connected',
] as const;
export type Placement = (typeof placements)[number];

/** The edge kinds, most specific first: a set of subnets that reaches one is placed there. */
const edgeOrder: readonly Placement[] = ['outpost', 'local-zone', 'wavelength'];

/** The placement of a zone type as `DescribeAvailabilityZones` names it. */
export function placementOfZoneType(zoneType: string | undefined): Placement | undefined {
  switch (zoneType) {
    case 'availability-zone':
      return 'cloud';
    case 'local-zone':
      return 'local-zone';
    case 'wavelength-zone':
      return 'wavelength';
    default:
      return undefined;
  }
}

/**
 * The placement of a zone from its name alone: an Availability Zone is the region's name and a
 * letter (`us-west-2a`); a Local Zone adds a location (`us-west-2-lax-1a`); a Wavelength Zone's
 * name carries `-wlz-` (`us-east-1-wl1-bos-wlz-1`).
 */
export function placementOfZoneName(zoneName: string, region: string): Placement {
  if (!zoneName.startsWith(`${region}-`)) return 'cloud';
  return zoneName.includes('-wlz-') ? 'wavelength' : 'local-zone';
}

/** Looks up where subnets, zones and instances of one snapshot are. */
export interface PlacementIndex {
  ofZone(zoneName: string): Placement;
  ofSubnet(subnetId: string): Placement | undefined;
  /** A set of subnets: the kind they share, else the most specific edge kind among them, else `cloud`. */
  ofSubnets(subnetIds: readonly string[]): Placement;
  /** Where an EC2 instance runs, from its subnet; undefined for an instance the snapshot lacks. */
  ofInstance(instanceId: string): Placement | undefined;
}

export function placementIndex(snapshot: Pick<Snapshot, 'region' | 'sources'>): PlacementIndex {
  const { sources, region } = snapshot;
  const zones = new Map<string, AvailabilityZone>(
    sources['ec2.availabilityZones']?.ok
      ? sources['ec2.availabilityZones'].items.map((z) => [z.zoneName, z])
      : [],
  );
  const subnets = new Map<string, Subnet>(
    sources['ec2.subnets']?.ok ? sources['ec2.subnets'].items.map((s) => [s.subnetId, s]) : [],
  );
  const instanceSubnets = new Map<string, string>();
  for (const i of sources['ec2.instances']?.ok ? sources['ec2.instances'].items : []) {
    if (i.subnetId) instanceSubnets.set(i.instanceId, i.subnetId);
  }

  const ofZone = (zoneName: string): Placement =>
    placementOfZoneType(zones.get(zoneName)?.zoneType) ?? placementOfZoneName(zoneName, region);
  const ofSubnet = (subnetId: string): Placement | undefined => {
    const subnet = subnets.get(subnetId);
    if (!subnet) return undefined;
    return subnet.outpostArn ? 'outpost' : ofZone(subnet.availabilityZone);
  };
  const ofSubnets = (subnetIds: readonly string[]): Placement => {
    const kinds = new Set(subnetIds.map(ofSubnet).filter((p): p is Placement => p !== undefined));
    if (kinds.size === 1) return [...kinds][0] as Placement;
    return edgeOrder.find((kind) => kinds.has(kind)) ?? 'cloud';
  };
  const ofInstance = (instanceId: string): Placement | undefined => {
    const subnetId = instanceSubnets.get(instanceId);
    return subnetId ? (ofSubnet(subnetId) ?? 'cloud') : undefined;
  };
  return { ofZone, ofSubnet, ofSubnets, ofInstance };
}

// ---------------------------------------------------------------- the summary

/** What runs on one kind of capacity. */
export interface PlacementCounts {
  /** ECS and EKS clusters, where their control plane is (EKS local clusters on an Outpost, connected clusters). */
  clusters: number;
  /** ECS services. */
  services: number;
  /** Running tasks of those services. */
  tasks: number;
  /** EKS Fargate profiles. */
  fargateProfiles: number;
  /** EKS nodes: managed node groups' desired size, and hybrid nodes. */
  nodes: number;
  /** ECS container instances: EC2 and external (ECS Anywhere) hosts. */
  containerInstances: number;
  /** Machines: EC2 instances that are not terminated, and on-premises servers managed by SSM. */
  machines: number;
}

export const placementCountNames: readonly (keyof PlacementCounts)[] = [
  'clusters',
  'services',
  'tasks',
  'fargateProfiles',
  'nodes',
  'containerInstances',
  'machines',
];

/** Column headers for the counts, in `placementCountNames` order. */
export const placementCountLabels: Record<keyof PlacementCounts, string> = {
  clusters: 'clusters',
  services: 'services',
  tasks: 'tasks',
  fargateProfiles: 'Fargate profiles',
  nodes: 'EKS nodes',
  containerInstances: 'ECS hosts',
  machines: 'machines',
};

export interface PlacementRow extends PlacementCounts {
  /** Absent on the estate's rows. */
  accountId?: string;
  region?: string;
  where: Placement;
}

export interface PlacementSummary {
  /** One row per account, region and kind of capacity that has something on it. */
  targets: PlacementRow[];
  /** One row per kind of capacity, over every account and region. */
  estate: PlacementRow[];
}

const zeroCounts = (): PlacementCounts => ({
  clusters: 0,
  services: 0,
  tasks: 0,
  fargateProfiles: 0,
  nodes: 0,
  containerInstances: 0,
  machines: 0,
});

function isPlacement(value: string): value is Placement {
  return (placements as readonly string[]).includes(value);
}

/**
 * The placement summary of inventory rows (each row says what it adds in `counts`). Rows come in
 * account and region order; kinds in `placements` order. Kinds with nothing on them are left out.
 */
export function placementSummary(rows: readonly InventoryRow[]): PlacementSummary {
  const byTarget = new Map<string, PlacementRow>();
  const estate = new Map<Placement, PlacementRow>();
  for (const row of rows) {
    if (!row.counts || !isPlacement(row.location)) continue;
    const where = row.location;
    const key = `${row.accountId}\u0000${row.region}\u0000${where}`;
    let target = byTarget.get(key);
    if (!target) {
      target = { accountId: row.accountId, region: row.region, where, ...zeroCounts() };
      byTarget.set(key, target);
    }
    let total = estate.get(where);
    if (!total) {
      total = { where, ...zeroCounts() };
      estate.set(where, total);
    }
    for (const name of placementCountNames) {
      const n = row.counts[name] ?? 0;
      target[name] += n;
      total[name] += n;
    }
  }
  const order = (where: Placement) => placements.indexOf(where);
  const targets = [...byTarget.values()].sort(
    (a, b) =>
      (a.accountId ?? '').localeCompare(b.accountId ?? '') ||
      (a.region ?? '').localeCompare(b.region ?? '') ||
      order(a.where) - order(b.where),
  );
  return { targets, estate: [...estate.values()].sort((a, b) => order(a.where) - order(b.where)) };
}
