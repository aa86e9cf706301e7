import type { Rule, RuleResult } from '../../src/engine/types.ts';
import type { ManagedInstance, Snapshot } from '../../src/inventory/types.ts';

const HOUR_MS = 3_600_000;

/** What the host is for, as far as the inventory join could tell. */
function roleOf(m: ManagedInstance, snapshot: Snapshot): string {
  const roles = [
    ...(m.ecsClusterArn ? [`ECS Anywhere host of ${m.ecsClusterArn.split('/').pop()}`] : []),
    ...(m.eksClusterName ? [`EKS hybrid node of ${m.eksClusterName}`] : []),
  ];
  if (roles.length > 0) return roles.join(', ');
  // The join fills these only from sources that were collected and read.
  const known =
    snapshot.sources['ecs.containerInstances']?.ok === true && snapshot.sources['eks.clusters']?.ok === true;
  return known ? 'hybrid activation' : 'hybrid activation (ECS and EKS membership not checked)';
}

/** The agent restart on the host itself: an AWS API call cannot reach an agent that stopped reporting. */
function restartCommand(m: ManagedInstance): string {
  return m.platformType?.toLowerCase() === 'windows'
    ? 'Restart-Service AmazonSSMAgent (on the host, in an elevated PowerShell)'
    : 'sudo systemctl restart amazon-ssm-agent (on the host)';
}

export const rule: Rule = {
  id: 'managed-instance-connection-lost',
  title: 'Hybrid host stopped reporting to Systems Manager',
  service: 'ssm',
  resourceType: 'AwsSsmManagedInstance',
  severity: 'medium',
  description:
    'Fires when an on-premises managed instance (a hybrid activation, ECS Anywhere host or EKS hybrid ' +
    'node) has ping status `ConnectionLost`, or its last ping is older than the `connectionLostHours` ' +
    'setting (default 24 hours).',
  risk:
    'A host that no longer reports gets no patches, runs no commands, and its inventory (OS, packages) ' +
    'goes stale, so end-of-life and vulnerability checks stop seeing it. It may also be down, taking its ' +
    'ECS tasks or Kubernetes pods with it, or still running but unmanaged.',
  remediation: {
    console: [
      'Open Systems Manager, Fleet Manager, and find the managed node; note its last ping time.',
      'On the host, check that it is up, that the SSM agent runs, and that it can reach ssm, ssmmessages and ec2messages endpoints (proxy, firewall, expired activation).',
      'Restart the agent; if the host was retired, deregister it instead (Fleet Manager, Node actions, Deregister).',
    ],
    cli: 'sudo systemctl restart amazon-ssm-agent (on the host); for a retired host: aws ssm deregister-managed-instance --instance-id <mi-id>',
  },
  references: {
    docs: [
      'https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-troubleshooting-managed-nodes.html',
      'https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-deregister-hybrid-nodes.html',
      'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_InstanceInformation.html',
    ],
  },
  requires: ['ssm.managedInstances'],
  scope(snapshot) {
    const managed = snapshot.sources['ssm.managedInstances'];
    return managed?.ok ? managed.items.filter((m) => m.onPremises).map((m) => ({ id: m.instanceId })) : [];
  },
  evaluate(snapshot, ctx) {
    const managed = snapshot.sources['ssm.managedInstances'];
    if (!managed?.ok) return [];
    const limitHours = ctx.settings.connectionLostHours;
    const results: RuleResult[] = [];
    for (const m of managed.items) {
      if (!m.onPremises) continue;
      const lastPing = m.lastPingAt ? Date.parse(m.lastPingAt) : Number.NaN;
      const hoursSince = Number.isNaN(lastPing) ? undefined : (ctx.now.getTime() - lastPing) / HOUR_MS;
      const lost = m.pingStatus === 'ConnectionLost';
      const stale = hoursSince !== undefined && hoursSince > limitHours;
      if (!lost && !stale) continue;
      const label = m.name ? `${m.name} (${m.instanceId})` : m.instanceId;
      const since =
        hoursSince === undefined
          ? 'with no last ping on record'
          : `last seen ${Math.floor(hoursSince)} hours ago (${m.lastPingAt})`;
      results.push({
        resourceId: m.instanceId,
        message: lost
          ? `Hybrid host ${label} lost its connection to Systems Manager, ${since}.`
          : `Hybrid host ${label} has not reported to Systems Manager for more than ${limitHours} hours: ${since}.`,
        evidence: {
          pingStatus: m.pingStatus,
          lastPingAt: m.lastPingAt,
          hoursSinceLastPing: hoursSince === undefined ? undefined : Math.round(hoursSince * 10) / 10,
          connectionLostHours: limitHours,
          role: roleOf(m, snapshot),
          ...(m.computerName ? { computerName: m.computerName } : {}),
          ...(m.ipAddress ? { ipAddress: m.ipAddress } : {}),
          ...(m.activationId ? { activationId: m.activationId } : {}),
          ...(m.agentVersion ? { agentVersion: m.agentVersion } : {}),
        },
        cli: restartCommand(m),
      });
    }
    return results;
  },
};
