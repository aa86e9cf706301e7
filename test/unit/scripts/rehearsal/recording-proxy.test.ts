import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type RecordingProxy,
  serviceUnavailable,
  startRecordingProxy,
} from '../../../../scripts/rehearsal/recording-proxy.ts';

const HUB_KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' };
const ROLE = 'arn:aws:iam::123456789012:role/estatescan/estatescan-ci-us-east-1-plan';
const ASSUMED_KEY = 'ASIAROLEKEYEXAMPLE01';

/** An upstream that answers AssumeRole with credentials and everything else with an empty 200. */
function fakeUpstream(): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      if (body.includes('Action=AssumeRole')) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>${ASSUMED_KEY}</AccessKeyId>` +
            '<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>' +
            '<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>',
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the recording proxy', () => {
  let upstream: Server;
  let proxy: RecordingProxy;

  beforeEach(async () => {
    upstream = await fakeUpstream();
    proxy = await startRecordingProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  });

  afterEach(async () => {
    await proxy.stop();
    await new Promise((resolve) => upstream.close(resolve));
  });

  const config = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => ({
    region: 'us-east-1',
    endpoint: proxy.endpoint,
    credentials,
    maxAttempts: 1,
  });

  it('learns who holds assumed keys and records the action and resource of JSON, query and S3 calls', async () => {
    // Prepare: the role's credentials, assumed through the proxy
    const sts = new STSClient(config(HUB_KEYS));
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'plan' }));
    const roleKeys = {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    };

    // Act: one call of each protocol with them (the fake upstream's answers need not parse)
    const dynamodb = new DynamoDBClient(config(roleKeys));
    const sns = new SNSClient(config(roleKeys));
    const s3 = new S3Client({ ...config(roleKeys), forcePathStyle: true });
    await dynamodb
      .send(new PutItemCommand({ TableName: 'findings', Item: { PK: { S: 'a' } } }))
      .catch(() => {});
    await sns
      .send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts', Message: 'm' }))
      .catch(() => {});
    await s3.send(new GetObjectCommand({ Bucket: 'runs', Key: 'runs/1/targets.json' })).catch(() => {});
    for (const client of [sts, dynamodb, sns, s3]) client.destroy();

    // Assess
    const calls = proxy.calls().map(({ principal, action, resource, protocol }) => ({
      who: principal?.arn,
      action,
      resource,
      protocol,
    }));
    expect(calls).toEqual([
      { who: undefined, action: 'sts:AssumeRole', resource: ROLE, protocol: 'query' },
      {
        who: ROLE,
        action: 'dynamodb:PutItem',
        resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/findings',
        protocol: 'json',
      },
      {
        who: ROLE,
        action: 'sns:Publish',
        resource: 'arn:aws:sns:us-east-1:123456789012:alerts',
        protocol: 'query',
      },
      {
        who: ROLE,
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::runs/runs/1/targets.json',
        protocol: 'rest',
      },
    ]);
  });

  it("answers the calls its fault rule picks itself, in the call's protocol, and forwards the others", async () => {
    // Prepare: the deployer's keys named and tagged; their DynamoDB calls fail
    proxy.name(HUB_KEYS.accessKeyId, { arn: 'deployer', accountId: '123456789012' });
    proxy.tag(HUB_KEYS.accessKeyId, { fault: 'unavailable' });
    proxy.setFault((call) =>
      call.principal?.tags.fault === 'unavailable' && call.service === 'dynamodb'
        ? serviceUnavailable(call)
        : undefined,
    );
    const dynamodb = new DynamoDBClient(config(HUB_KEYS));
    const sns = new SNSClient(config(HUB_KEYS));

    // Act
    const failed = await dynamodb
      .send(new PutItemCommand({ TableName: 'findings', Item: { PK: { S: 'a' } } }))
      .then(
        () => undefined,
        (error: Error) => error,
      );
    await sns
      .send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts', Message: 'm' }))
      .catch(() => {});
    dynamodb.destroy();
    sns.destroy();

    // Assess
    expect(failed?.name).toBe('ServiceUnavailable');
    expect(proxy.calls().map((c) => [c.action, c.status])).toEqual([
      ['dynamodb:PutItem', 503],
      ['sns:Publish', 200],
    ]);
  });
});
