/**
 * Joins across sources of one snapshot, done after every collector finished:
 * - an EC2 instance whose AMI told nothing gets its OS from SSM, when SSM manages it;
 * - an SSM managed instance learns the ECS cluster it serves as an external (ECS Anywhere) host;
 * - an on-premises managed instance whose address lies in an EKS cluster's remote node network is
 *   that cluster's hybrid node.
 */
import { resolveInstanceOs } from './os-detection.ts';
import type { Sources } from './types.ts';

/** Parses a dotted IPv4 address into a 32-bit number, or undefined. */
function ipv4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** Whether an IPv4 address lies in an IPv4 CIDR block. */
export function cidrContains(cidr: string, address: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const network = base ? ipv4(base) : undefined;
  const ip = ipv4(address);
  if (bitsText !== undefined && !/^\d{1,2}$/.test(bitsText)) return false;
  if (cidr.split('/').length > 2) return false;
  const bits = Number(bitsText ?? '32');
  if (network === undefined || ip === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32)
    return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(network / size);
}

export function joinSources(sources: Sources): Sources {
  const managed = sources['ssm.managedInstances'];
  if (managed && !managed.ok) {
    // SSM was the last way to tell an instance's OS its AMI did not tell: undetermined, not unknown.
    const instances = sources['ec2.instances'];
    for (const instance of instances?.ok ? instances.items : []) {
      if (instance.os.known || instance.os.incomplete) continue;
      instance.os = {
        ...instance.os,
        reason: `${instance.os.reason}; SSM could not be read (${managed.error.code})`,
        incomplete: true,
      };
    }
    return sources;
  }
  if (!managed) return sources;
  const managedById = new Map(managed.items.map((m) => [m.instanceId, m]));

  const instances = sources['ec2.instances'];
  if (instances?.ok) {
    const images = sources['ec2.images'];
    const imageById = new Map(images?.ok ? images.items.map((i) => [i.imageId, i]) : []);
    for (const instance of instances.items) {
      const ssm = managedById.get(instance.instanceId);
      if (instance.os.known || !ssm) continue;
      instance.os = resolveInstanceOs(
        instance,
        instance.imageId ? imageById.get(instance.imageId) : undefined,
        ssm,
      );
    }
  }

  const containerInstances = sources['ecs.containerInstances'];
  if (containerInstances?.ok) {
    for (const ci of containerInstances.items) {
      const host = ci.external && ci.ec2InstanceId ? managedById.get(ci.ec2InstanceId) : undefined;
      if (host) host.ecsClusterArn = ci.clusterArn;
    }
  }

  const clusters = sources['eks.clusters'];
  if (clusters?.ok) {
    const hybrid = clusters.items.filter((c) => c.remoteNodeNetworks.length > 0);
    for (const host of managed.items) {
      if (!host.onPremises || !host.ipAddress) continue;
      const cluster = hybrid.find((c) =>
        c.remoteNodeNetworks.some((cidr) => cidrContains(cidr, host.ipAddress!)),
      );
      if (cluster) host.eksClusterName = cluster.name;
    }
  }
  return sources;
}
