import type { Rule } from '../../src/engine/types.ts';
import type { EcsContainerInstance } from '../../src/inventory/types.ts';
import { sh } from '../lib/shell.ts';

/** Restart the ECS agent through SSM Run Command, when the host is an SSM managed instance. */
function cliFor(ci: EcsContainerInstance, cluster: string, region: string): string {
  const host = ci.ec2InstanceId;
  if (!host) {
    return sh`aws ecs describe-container-instances --cluster ${cluster} --container-instances ${ci.containerInstanceArn} --region ${region}`;
  }
  const windows = ci.osType?.toUpperCase().startsWith('WINDOWS') ?? false;
  return windows
    ? `${sh`aws ssm send-command --region ${region} --instance-ids ${host}`} --document-name AWS-RunPowerShellScript --parameters 'commands=["Restart-Service AmazonECS"]'`
    : `${sh`aws ssm send-command --region ${region} --instance-ids ${host}`} --document-name AWS-RunShellScript --parameters 'commands=["sudo systemctl restart ecs"]'`;
}

export const rule: Rule = {
  id: 'ecs-external-instance-disconnected',
  title: 'ECS Anywhere container instance agent is disconnected',
  service: 'ecs',
  resourceType: 'AwsEcsContainerInstance',
  severity: 'medium',
  description:
    'Fires when an external (ECS Anywhere) container instance is ACTIVE in its cluster but its ECS ' +
    'agent is not connected. Instances that are DRAINING or INACTIVE are being retired and are left alone.',
  risk:
    'ECS cannot place, stop or replace tasks on a host whose agent is disconnected: services lose ' +
    'capacity without the scheduler moving their tasks, deployments stall, and the tasks the host last ' +
    'reported may keep running unmanaged, on an image and configuration nobody can update.',
  remediation: {
    console: [
      'Open the Amazon ECS console, choose the cluster, Infrastructure, and the container instance.',
      'On the host, check that it is up and that the ecs service runs and can reach the ECS endpoints; restart it.',
      'If the host was retired, deregister the container instance (Actions, Deregister) and its SSM managed instance.',
    ],
    cli: 'aws ssm send-command --instance-ids <mi-id> --document-name AWS-RunShellScript --parameters \'commands=["sudo systemctl restart ecs"]\'',
  },
  references: {
    docs: [
      'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-anywhere.html',
      'https://repost.aws/knowledge-center/ecs-agent-disconnected-linux2-ami',
    ],
  },
  requires: ['ecs.containerInstances'],
  scope(snapshot) {
    const instances = snapshot.sources['ecs.containerInstances'];
    if (!instances?.ok) return [];
    return instances.items
      .filter((ci) => ci.external && ci.status?.toUpperCase() === 'ACTIVE')
      .map((ci) => ({ id: ci.containerInstanceArn }));
  },
  evaluate(snapshot) {
    const instances = snapshot.sources['ecs.containerInstances'];
    if (!instances?.ok) return [];
    return instances.items
      .filter((ci) => ci.external && !ci.agentConnected && ci.status?.toUpperCase() === 'ACTIVE')
      .map((ci) => {
        const cluster = ci.clusterArn.split('/').pop() ?? ci.clusterArn;
        const host = ci.ec2InstanceId ?? ci.containerInstanceArn.split('/').pop();
        const tasks =
          ci.runningTasksCount > 0
            ? `; it last reported ${ci.runningTasksCount} running task${ci.runningTasksCount === 1 ? '' : 's'}`
            : '';
        return {
          resourceId: ci.containerInstanceArn,
          resourceArn: ci.containerInstanceArn,
          message: `ECS Anywhere host ${host} in cluster ${cluster} is ACTIVE but its ECS agent is disconnected${tasks}.`,
          evidence: {
            cluster,
            status: ci.status,
            agentConnected: ci.agentConnected,
            runningTasksCount: ci.runningTasksCount,
            ...(ci.ec2InstanceId ? { managedInstanceId: ci.ec2InstanceId } : {}),
            ...(ci.agentVersion ? { agentVersion: ci.agentVersion } : {}),
            ...(ci.osType ? { osType: ci.osType } : {}),
            ...(ci.registeredAt ? { registeredAt: ci.registeredAt } : {}),
          },
          cli: cliFor(ci, cluster, snapshot.region),
        };
      });
  },
};
