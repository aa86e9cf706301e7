import { describe, expect, it } from 'vitest';
import { rule } from '../../../../rules/vpc/vpc-flow-logs-disabled.ts';
import type { FlowLog, NetworkInterface, Sources, Vpc } from '../../../../src/inventory/types.ts';
import {
  FIXTURE_VPC,
  makeFlowLog,
  makeNetworkInterface,
  makeRuleContext,
  makeVpc,
} from '../../../fixtures/network.ts';
import {
  collectionFailure,
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  failed,
  makeSnapshot,
  ok,
} from '../../../fixtures/snapshot.ts';

const ctx = makeRuleContext();

function sources(vpcs: Vpc[], flowLogs: FlowLog[], interfaces: NetworkInterface[]): Sources {
  return { 'ec2.vpcs': ok(vpcs), 'ec2.flowLogs': ok(flowLogs), 'ec2.networkInterfaces': ok(interfaces) };
}

const evaluate = (vpcs: Vpc[], flowLogs: FlowLog[], interfaces: NetworkInterface[]) =>
  rule.evaluate(makeSnapshot(sources(vpcs, flowLogs, interfaces)), ctx);

describe('vpc-flow-logs-disabled', () => {
  it('reports nothing for a VPC with a flow log (passing case)', () => {
    expect(evaluate([makeVpc()], [makeFlowLog()], [makeNetworkInterface()])).toEqual([]);
  });

  it('reports a VPC with interfaces and no flow log, with evidence and command (failing case)', () => {
    // Prepare
    const interfaces = [
      makeNetworkInterface(),
      makeNetworkInterface({ networkInterfaceId: 'eni-0a1b2c3d4e5f60002', interfaceType: 'nat_gateway' }),
      makeNetworkInterface({ networkInterfaceId: 'eni-0a1b2c3d4e5f60003', interfaceType: 'lambda' }),
    ];
    const vpc = makeVpc({ tags: { Name: 'prod' } });

    // Act
    const results = evaluate([vpc], [], interfaces);

    // Assess
    expect(results).toEqual([
      {
        resourceId: FIXTURE_VPC,
        resourceArn: `arn:aws:ec2:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:vpc/${FIXTURE_VPC}`,
        message: `VPC prod (${FIXTURE_VPC}) has 3 network interfaces and no flow log.`,
        evidence: {
          isDefault: false,
          cidrBlocks: ['10.0.0.0/16'],
          networkInterfaces: 3,
          interfaceTypes: { interface: 1, nat_gateway: 1, lambda: 1 },
          interfacesWithOwnFlowLog: 0,
        },
        cli:
          `aws ec2 create-flow-logs --resource-type VPC --resource-ids ${FIXTURE_VPC} --traffic-type ALL ` +
          '--log-destination-type s3 --log-destination arn:aws:s3:::<bucket>/vpc-flow-logs/',
      },
    ]);
  });

  it.each([
    ['an empty default VPC', makeVpc({ isDefault: true })],
    ['an empty VPC of its own', makeVpc()],
  ])('does not report %s', (_label, vpc) => {
    // Prepare: the only interface is in another VPC.
    const elsewhere = makeNetworkInterface({ vpcId: 'vpc-0ffffffffffffffff' });

    // Act
    const results = evaluate([vpc], [], [elsewhere]);

    // Assess
    expect(results).toEqual([]);
  });

  it('reports a default VPC that is in use, and says it is the default', () => {
    const [result] = evaluate([makeVpc({ isDefault: true })], [], [makeNetworkInterface()]);
    expect(result?.message).toBe(`Default VPC ${FIXTURE_VPC} has 1 network interface and no flow log.`);
    expect(result?.evidence).toMatchObject({ isDefault: true });
  });

  it.each([
    ['REJECT only', makeFlowLog({ trafficType: 'REJECT' })],
    ['ACCEPT only', makeFlowLog({ trafficType: 'ACCEPT' })],
    ['to CloudWatch Logs', makeFlowLog({ destinationType: 'cloud-watch-logs' })],
    ['with no status reported', makeFlowLog({ status: undefined })],
  ])('counts a VPC flow log %s', (_label, flowLog) => {
    expect(evaluate([makeVpc()], [flowLog], [makeNetworkInterface()])).toEqual([]);
  });

  it.each([
    ['an interface', 'eni-0a1b2c3d4e5f60001'],
    ['a subnet', 'subnet-0a1b2c3d4e5f60001'],
    ['another VPC', 'vpc-0ffffffffffffffff'],
  ])('does not count a flow log on %s as the VPC’s', (_label, resourceId) => {
    // Act
    const results = evaluate([makeVpc()], [makeFlowLog({ resourceId })], [makeNetworkInterface()]);

    // Assess
    expect(results).toHaveLength(1);
  });

  it('notes interfaces that have a flow log of their own', () => {
    const [result] = evaluate(
      [makeVpc()],
      [makeFlowLog({ resourceId: 'eni-0a1b2c3d4e5f60001' })],
      [makeNetworkInterface(), makeNetworkInterface({ networkInterfaceId: 'eni-0a1b2c3d4e5f60002' })],
    );
    expect(result?.evidence).toMatchObject({ networkInterfaces: 2, interfacesWithOwnFlowLog: 1 });
  });

  it('judges each VPC on its own', () => {
    // Prepare
    const logged = makeVpc({ vpcId: 'vpc-000000000000000a1' });
    const unlogged = makeVpc({ vpcId: 'vpc-000000000000000b1' });
    const interfaces = [
      makeNetworkInterface({ vpcId: 'vpc-000000000000000a1' }),
      makeNetworkInterface({ networkInterfaceId: 'eni-2', vpcId: 'vpc-000000000000000b1' }),
    ];

    // Act
    const results = evaluate(
      [logged, unlogged],
      [makeFlowLog({ resourceId: 'vpc-000000000000000a1' })],
      interfaces,
    );

    // Assess
    expect(results.map((r) => r.resourceId)).toEqual(['vpc-000000000000000b1']);
  });

  it('reports nothing for an empty inventory', () => {
    expect(evaluate([], [], [])).toEqual([]);
  });

  it.each([
    ['ec2.vpcs', 'ec2:DescribeVpcs'],
    ['ec2.flowLogs', 'ec2:DescribeFlowLogs'],
    ['ec2.networkInterfaces', 'ec2:DescribeNetworkInterfaces'],
  ] as const)('yields nothing, without throwing, when %s failed', (source, operation) => {
    // Prepare: without the failure this would be a finding.
    const snapshot = makeSnapshot({
      ...sources([makeVpc()], [], [makeNetworkInterface()]),
      [source]: failed(collectionFailure(source, operation)),
    });

    // Act
    const results = rule.evaluate(snapshot, ctx);

    // Assess
    expect(results).toEqual([]);
  });
});
