import {
  DescribeInstanceInformationCommand,
  type InstanceInformation,
  SSMClient,
  SSMServiceException,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountClients } from '../../../../src/aws/clients.ts';
import { AccountScope, type CollectorContext } from '../../../../src/inventory/collector.ts';
import { ssmCollector } from '../../../../src/inventory/collectors/ssm.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';

const ssmMock = mockClient(SSMClient);

function makeContext(options: { pageSize?: number } = {}): CollectorContext {
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
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  };
}

/** Shaped like the InstanceInformation entries of the DescribeInstanceInformation API reference. */
const ec2Host: InstanceInformation = {
  InstanceId: 'i-0123456789abcdef0',
  PingStatus: 'Online',
  LastPingDateTime: new Date('2025-06-01T11:58:00.000Z'),
  AgentVersion: '3.3.1142.0',
  IsLatestVersion: false,
  PlatformType: 'Linux',
  PlatformName: 'Ubuntu',
  PlatformVersion: '20.04',
  ResourceType: 'EC2Instance',
  IPAddress: '10.0.1.12',
  ComputerName: 'ip-10-0-1-12.eu-west-1.compute.internal',
  AssociationStatus: 'Success',
  LastAssociationExecutionDate: new Date('2025-06-01T10:00:00.000Z'),
  LastSuccessfulAssociationExecutionDate: new Date('2025-06-01T10:00:00.000Z'),
  SourceId: 'i-0123456789abcdef0',
  SourceType: 'AWS::EC2::Instance',
};
const lostOnPremHost: InstanceInformation = {
  InstanceId: 'mi-0a1b2c3d4e5f60718',
  PingStatus: 'ConnectionLost',
  LastPingDateTime: new Date('2025-04-20T03:12:45.000Z'),
  AgentVersion: '3.1.1446.0',
  IsLatestVersion: false,
  PlatformType: 'Linux',
  PlatformName: 'CentOS Linux',
  PlatformVersion: '7',
  ActivationId: '5743558d-563b-4457-8682-d16c3EXAMPLE',
  IamRole: 'SSMServiceRole',
  RegistrationDate: new Date('2021-09-14T16:20:00.000Z'),
  ResourceType: 'ManagedInstance',
  Name: 'dc1-build-01',
  IPAddress: '192.168.20.31',
  ComputerName: 'dc1-build-01.corp.example.com',
  SourceId: 'mi-0a1b2c3d4e5f60718',
  SourceType: 'AWS::SSM::ManagedInstance',
};
const windowsOnPremHost: InstanceInformation = {
  InstanceId: 'mi-0f1e2d3c4b5a69788',
  PingStatus: 'Online',
  LastPingDateTime: new Date('2025-06-01T11:59:30.000Z'),
  AgentVersion: '3.3.1142.0',
  IsLatestVersion: true,
  PlatformType: 'Windows',
  PlatformName: 'Microsoft Windows Server 2012 R2 Standard',
  PlatformVersion: '6.3.9600',
  ActivationId: '5743558d-563b-4457-8682-d16c3EXAMPLE',
  IamRole: 'SSMServiceRole',
  RegistrationDate: new Date('2019-02-01T08:00:00.000Z'),
  ResourceType: 'ManagedInstance',
  Name: 'dc1-sql-02',
  IPAddress: '192.168.20.40',
  ComputerName: 'DC1-SQL-02',
  SourceId: 'mi-0f1e2d3c4b5a69788',
  SourceType: 'AWS::SSM::ManagedInstance',
};

describe('ssmCollector', () => {
  afterEach(() => {
    ssmMock.reset();
  });

  it('(client mock: moto cannot emulate DescribeInstanceInformation) maps EC2 and on-premises managed instances across several pages', async () => {
    // Prepare
    ssmMock
      .on(DescribeInstanceInformationCommand)
      .resolves({ InstanceInformationList: [ec2Host], NextToken: 'page-2' })
      .on(DescribeInstanceInformationCommand, { NextToken: 'page-2' })
      .resolves({ InstanceInformationList: [lostOnPremHost], NextToken: 'page-3' })
      .on(DescribeInstanceInformationCommand, { NextToken: 'page-3' })
      .resolves({ InstanceInformationList: [windowsOnPremHost] });

    // Act
    const sources = await ssmCollector.collect(
      makeContext({ pageSize: 2 }),
      new Set(['ssm.managedInstances']),
    );

    // Assess
    const result = sources['ssm.managedInstances'];
    expect(result?.ok).toBe(true);
    const items = result?.ok ? result.items : [];
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({
      instanceId: 'i-0123456789abcdef0',
      resourceType: 'EC2Instance',
      onPremises: false,
      computerName: 'ip-10-0-1-12.eu-west-1.compute.internal',
      ipAddress: '10.0.1.12',
      pingStatus: 'Online',
      lastPingAt: '2025-06-01T11:58:00.000Z',
      agentVersion: '3.3.1142.0',
      isLatestAgentVersion: false,
      platformType: 'Linux',
      platformName: 'Ubuntu',
      platformVersion: '20.04',
      os: expect.objectContaining({ known: true, family: 'ubuntu', version: '20.04', source: 'ssm' }),
    });
    expect(items[1]).toEqual({
      instanceId: 'mi-0a1b2c3d4e5f60718',
      resourceType: 'ManagedInstance',
      onPremises: true,
      name: 'dc1-build-01',
      computerName: 'dc1-build-01.corp.example.com',
      ipAddress: '192.168.20.31',
      pingStatus: 'ConnectionLost',
      lastPingAt: '2025-04-20T03:12:45.000Z',
      agentVersion: '3.1.1446.0',
      isLatestAgentVersion: false,
      platformType: 'Linux',
      platformName: 'CentOS Linux',
      platformVersion: '7',
      activationId: '5743558d-563b-4457-8682-d16c3EXAMPLE',
      registeredAt: '2021-09-14T16:20:00.000Z',
      iamRole: 'SSMServiceRole',
      os: expect.objectContaining({ known: true, family: 'centos', version: '7', source: 'ssm' }),
    });
    expect(items[2]).toMatchObject({
      instanceId: 'mi-0f1e2d3c4b5a69788',
      onPremises: true,
      pingStatus: 'Online',
      isLatestAgentVersion: true,
      platformType: 'Windows',
      os: { known: true, family: 'windows-server', version: '2012-r2', source: 'ssm' },
    });
    // Neither join field is the collector's business.
    expect(items.every((i) => !('ecsClusterArn' in i) && !('eksClusterName' in i))).toBe(true);
    // 2 is below the API's minimum of 5; every call asks for 5.
    const calls = ssmMock.commandCalls(DescribeInstanceInformationCommand);
    expect(calls).toHaveLength(3);
    expect(calls.every((call) => call.args[0].input.MaxResults === 5)).toBe(true);
  });

  it('(client mock: moto cannot emulate DescribeInstanceInformation) tells an on-premises host by its resource type too, and asks for 50 per page by default', async () => {
    // Prepare
    ssmMock.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        { ...ec2Host, InstanceId: 'i-0aaaabbbbccccdddd', ResourceType: 'ManagedInstance' },
      ],
    });

    // Act
    const sources = await ssmCollector.collect(makeContext(), new Set(['ssm.managedInstances']));

    // Assess
    expect(sources['ssm.managedInstances']).toMatchObject({
      ok: true,
      items: [{ instanceId: 'i-0aaaabbbbccccdddd', onPremises: true }],
    });
    expect(ssmMock.commandCalls(DescribeInstanceInformationCommand)[0]?.args[0].input.MaxResults).toBe(50);
  });

  it('records AccessDeniedException as the failed source', async () => {
    // Prepare
    ssmMock.on(DescribeInstanceInformationCommand).rejects(
      new SSMServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/estatescan/scan is not authorized to perform: ssm:DescribeInstanceInformation`,
      }),
    );

    // Act
    const sources = await ssmCollector.collect(makeContext(), new Set(['ssm.managedInstances']));

    // Assess
    expect(sources['ssm.managedInstances']).toEqual({
      ok: false,
      error: {
        accountId: ACCOUNT,
        region: REGION,
        source: 'ssm.managedInstances',
        operation: 'ssm:DescribeInstanceInformation',
        code: 'AccessDeniedException',
        message: expect.stringContaining('not authorized to perform: ssm:DescribeInstanceInformation'),
      },
    });
  });

  it('makes no call when managed instances are not wanted', async () => {
    // Act
    const sources = await ssmCollector.collect(makeContext(), new Set(['ec2.instances']));

    // Assess
    expect(sources).toEqual({});
    expect(ssmMock.calls()).toHaveLength(0);
  });
});
