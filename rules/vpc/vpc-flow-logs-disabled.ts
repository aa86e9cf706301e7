import type { Rule } from '../../src/engine/types.ts';
import type { NetworkInterface } from '../../src/inventory/types.ts';
import { sh } from '../lib/shell.ts';

export const rule: Rule = {
  id: 'vpc-flow-logs-disabled',
  title: 'VPC with resources in it has no flow log',
  service: 'vpc',
  resourceType: 'AwsEc2Vpc',
  severity: 'medium',
  description:
    'Fires when a VPC holds at least one network interface (an instance, load balancer, NAT gateway, ' +
    'Lambda function, endpoint…) and no flow log is attached to the VPC itself. Empty VPCs, such as an ' +
    'unused default VPC, are not findings. Flow logs on single subnets or interfaces do not count: they ' +
    'leave the rest of the VPC unrecorded.',
  risk:
    'Without flow logs there is no record of which addresses talked to which, on what ports, and what ' +
    'the security groups rejected: a compromise, a data exfiltration or a scan cannot be investigated ' +
    'after the fact, and anomaly detection such as GuardDuty has less to go on.',
  remediation: {
    console: [
      'Open the VPC console, choose Your VPCs and select the VPC.',
      'On the Flow logs tab, choose Create flow log.',
      'Choose the traffic to record (All, or at least Reject), a destination (CloudWatch Logs, S3 or ' +
        'Firehose) and, for CloudWatch Logs, an IAM role that can write to it; then create it.',
    ],
    cli:
      'aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type ALL ' +
      '--log-destination-type s3 --log-destination arn:aws:s3:::<bucket>/vpc-flow-logs/',
  },
  references: {
    securityHub: 'EC2.6',
    cis: 'CIS AWS Foundations Benchmark v3.0.0 3.7',
    docs: [
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-6',
      'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html',
    ],
  },
  requires: ['ec2.vpcs', 'ec2.flowLogs', 'ec2.networkInterfaces'],
  scope(snapshot) {
    // Only a VPC with network interfaces in it is judged: an empty one has no traffic to log.
    const vpcs = snapshot.sources['ec2.vpcs'];
    const interfaces = snapshot.sources['ec2.networkInterfaces'];
    if (!vpcs?.ok || !interfaces?.ok) return [];
    const used = new Set(interfaces.items.map((eni) => eni.vpcId));
    return vpcs.items.filter((v) => used.has(v.vpcId)).map((v) => ({ id: v.vpcId, tags: v.tags }));
  },
  evaluate(snapshot) {
    const vpcs = snapshot.sources['ec2.vpcs'];
    const flowLogs = snapshot.sources['ec2.flowLogs'];
    const interfaces = snapshot.sources['ec2.networkInterfaces'];
    if (!vpcs?.ok || !flowLogs?.ok || !interfaces?.ok) return [];

    // Any flow log on the VPC counts, whatever its traffic type: the snapshot does not carry delivery
    // status, and a flow log that fails to deliver is a different problem from having none.
    const logged = new Set(flowLogs.items.map((f) => f.resourceId));
    const interfacesByVpc = new Map<string, NetworkInterface[]>();
    for (const eni of interfaces.items) {
      if (!eni.vpcId) continue;
      const list = interfacesByVpc.get(eni.vpcId) ?? [];
      list.push(eni);
      interfacesByVpc.set(eni.vpcId, list);
    }

    return vpcs.items.flatMap((vpc) => {
      const enis = interfacesByVpc.get(vpc.vpcId) ?? [];
      if (!enis.length || logged.has(vpc.vpcId)) return [];
      const interfaceTypes: Record<string, number> = {};
      for (const eni of enis) {
        const type = eni.interfaceType ?? 'interface';
        interfaceTypes[type] = (interfaceTypes[type] ?? 0) + 1;
      }
      const name = vpc.tags.Name ? `${vpc.tags.Name} (${vpc.vpcId})` : vpc.vpcId;
      const kind = vpc.isDefault ? 'Default VPC' : 'VPC';
      return [
        {
          resourceId: vpc.vpcId,
          resourceArn: `arn:aws:ec2:${snapshot.region}:${vpc.ownerId ?? snapshot.accountId}:vpc/${vpc.vpcId}`,
          message: `${kind} ${name} has ${enis.length} network interface${enis.length > 1 ? 's' : ''} and no flow log.`,
          evidence: {
            isDefault: vpc.isDefault,
            cidrBlocks: vpc.cidrBlocks,
            networkInterfaces: enis.length,
            interfaceTypes,
            interfacesWithOwnFlowLog: enis.filter((e) => logged.has(e.networkInterfaceId)).length,
          },
          cli:
            sh`aws ec2 create-flow-logs --resource-type VPC --resource-ids ${vpc.vpcId} --traffic-type ALL ` +
            '--log-destination-type s3 --log-destination arn:aws:s3:::<bucket>/vpc-flow-logs/',
        },
      ];
    });
  },
};
