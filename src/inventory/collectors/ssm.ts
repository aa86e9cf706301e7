/**
 * SSM collector: every managed instance the agent reports, EC2 (`i-…`) and on premises (`mi-…`:
 * hybrid activations, ECS Anywhere hosts, EKS hybrid nodes), with the OS the agent read from the
 * machine. Which ECS or EKS cluster a host serves is filled in later by the inventory join.
 */
import {
  type InstanceInformation,
  paginateDescribeInstanceInformation,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { type Collector, iso, readSource } from '../collector.ts';
import { type DeclaredCall, pageSizeFor } from '../declared-calls.ts';
import { osFromSsm } from '../os-detection.ts';
import type { ManagedInstance, SourceId, Sources } from '../types.ts';

/** The calls this collector makes. `DescribeInstanceInformation` accepts MaxResults from 5 to 50. */
export const ssmCalls = {
  describeInstanceInformation: {
    operation: 'ssm:DescribeInstanceInformation',
    sources: ['ssm.managedInstances'],
    per: 'page',
    of: 'managed instance',
    pageSize: 50,
    minPageSize: 5,
  },
} as const satisfies Record<string, DeclaredCall>;

function toManagedInstance(i: InstanceInformation): ManagedInstance | undefined {
  if (!i.InstanceId) return undefined;
  const lastPingAt = iso(i.LastPingDateTime);
  const registeredAt = iso(i.RegistrationDate);
  return {
    instanceId: i.InstanceId,
    ...(i.ResourceType ? { resourceType: i.ResourceType } : {}),
    onPremises: i.InstanceId.startsWith('mi-') || i.ResourceType === 'ManagedInstance',
    ...(i.Name ? { name: i.Name } : {}),
    ...(i.ComputerName ? { computerName: i.ComputerName } : {}),
    ...(i.IPAddress ? { ipAddress: i.IPAddress } : {}),
    ...(i.PingStatus ? { pingStatus: i.PingStatus } : {}),
    ...(lastPingAt ? { lastPingAt } : {}),
    ...(i.AgentVersion ? { agentVersion: i.AgentVersion } : {}),
    ...(i.IsLatestVersion !== undefined ? { isLatestAgentVersion: i.IsLatestVersion } : {}),
    ...(i.PlatformType ? { platformType: i.PlatformType } : {}),
    ...(i.PlatformName ? { platformName: i.PlatformName } : {}),
    ...(i.PlatformVersion ? { platformVersion: i.PlatformVersion } : {}),
    ...(i.ActivationId ? { activationId: i.ActivationId } : {}),
    ...(registeredAt ? { registeredAt } : {}),
    ...(i.IamRole ? { iamRole: i.IamRole } : {}),
    os: osFromSsm(i.PlatformType, i.PlatformName, i.PlatformVersion),
  };
}

export const ssmCollector: Collector = {
  name: 'ssm',
  produces: ['ssm.managedInstances'],
  calls: Object.values(ssmCalls),
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    if (!wanted.has('ssm.managedInstances')) return {};
    const client = ctx.clients.get(SSMClient, ctx.region);
    const managedInstances = await readSource(
      ctx,
      'ssm.managedInstances',
      ssmCalls.describeInstanceInformation.operation,
      async () => {
        const instances: ManagedInstance[] = [];
        for await (const page of paginateDescribeInstanceInformation(
          { client, pageSize: pageSizeFor(ctx, ssmCalls.describeInstanceInformation) },
          {},
        )) {
          for (const info of page.InstanceInformationList ?? []) {
            const instance = toManagedInstance(info);
            if (instance) instances.push(instance);
          }
        }
        return instances;
      },
    );
    return { 'ssm.managedInstances': managedInstances };
  },
};
