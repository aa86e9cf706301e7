import { DescribeAvailabilityZonesCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';

/** A canned HTTP answer; the SDK only checks a response's shape, so a plain object will do. */
interface CannedAnswer {
  status: number;
  body: string;
}

const regionsBody =
  '<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
  '<requestId>11111111-2222-3333-4444-555555555555</requestId>' +
  '<regionInfo><item><regionName>eu-west-1</regionName>' +
  '<regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint>' +
  '<optInStatus>opt-in-not-required</optInStatus></item></regionInfo>' +
  '</DescribeRegionsResponse>';

const zonesBody =
  '<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
  '<requestId>11111111-2222-3333-4444-666666666666</requestId>' +
  '<availabilityZoneInfo><item><zoneName>eu-west-1a</zoneName><zoneState>available</zoneState>' +
  '<regionName>eu-west-1</regionName></item></availabilityZoneInfo>' +
  '</DescribeAvailabilityZonesResponse>';

/** EC2's error envelope, as documented in the EC2 API reference's "Error codes" page. */
function ec2ErrorBody(code: string, message: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors>` +
    '<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>'
  );
}

const throttled: CannedAnswer = {
  status: 503,
  body: ec2ErrorBody('RequestLimitExceeded', 'Request limit exceeded.'),
};
const unauthorized: CannedAnswer = {
  status: 403,
  body: ec2ErrorBody('UnauthorizedOperation', 'You are not authorized to perform this operation.'),
};

/** A request handler that answers from a script, one answer per HTTP attempt, the last one repeating. */
function scriptedHandler(script: CannedAnswer[]) {
  const requests: HttpRequest[] = [];
  return {
    requests,
    handle: async (request: HttpRequest): Promise<{ response: HttpResponse }> => {
      requests.push(request);
      const answer = script[Math.min(requests.length - 1, script.length - 1)]!;
      return {
        response: {
          statusCode: answer.status,
          headers: { 'content-type': 'text/xml;charset=UTF-8' },
          body: Buffer.from(answer.body),
        },
      };
    },
  };
}

const clients: EC2Client[] = [];

function makeClient(handler: ReturnType<typeof scriptedHandler>): EC2Client {
  const client = new EC2Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'test-secret' },
    maxAttempts: 3,
    retryMode: 'standard',
    requestHandler: handler,
  });
  clients.push(client);
  return client;
}

describe('ApiCallCounter', () => {
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  it('counts a call retried after throttling as one call and two attempts', async () => {
    // Prepare
    const handler = scriptedHandler([throttled, { status: 200, body: regionsBody }]);
    const client = makeClient(handler);
    const counter = new ApiCallCounter();
    counter.instrument(client, 'ec2');

    // Act
    const response = await client.send(new DescribeRegionsCommand({}));

    // Assess
    expect(response.Regions?.map((r) => r.RegionName)).toEqual(['eu-west-1']);
    expect(handler.requests).toHaveLength(2);
    expect(counter.get('ec2:DescribeRegions')).toEqual({ calls: 1, attempts: 2, throttled: 1, failed: 0 });
  });

  it('counts a call that stays throttled through every attempt as one failed call of three attempts', async () => {
    // Prepare
    const handler = scriptedHandler([throttled]);
    const client = makeClient(handler);
    const counter = new ApiCallCounter();
    counter.instrument(client, 'ec2');

    // Act
    const error = await client.send(new DescribeRegionsCommand({})).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'RequestLimitExceeded' });
    expect(handler.requests).toHaveLength(3);
    expect(counter.get('ec2:DescribeRegions')).toEqual({ calls: 1, attempts: 3, throttled: 3, failed: 1 });
  });

  it('counts a denied call as failed, after a single attempt', async () => {
    // Prepare
    const handler = scriptedHandler([unauthorized]);
    const client = makeClient(handler);
    const counter = new ApiCallCounter();
    counter.instrument(client, 'ec2');

    // Act
    await expect(client.send(new DescribeRegionsCommand({}))).rejects.toMatchObject({
      name: 'UnauthorizedOperation',
    });

    // Assess
    expect(counter.get('ec2:DescribeRegions')).toEqual({ calls: 1, attempts: 1, throttled: 0, failed: 1 });
  });

  it('keeps counts per service operation, sorted, with totals', async () => {
    // Prepare
    const regions = makeClient(scriptedHandler([{ status: 200, body: regionsBody }]));
    const zones = makeClient(scriptedHandler([throttled, { status: 200, body: zonesBody }]));
    const counter = new ApiCallCounter();
    counter.instrument(regions, 'ec2');
    counter.instrument(zones, 'ec2');

    // Act
    await regions.send(new DescribeRegionsCommand({}));
    await regions.send(new DescribeRegionsCommand({}));
    await zones.send(new DescribeAvailabilityZonesCommand({}));

    // Assess
    const snapshot = counter.snapshot();
    expect(Object.keys(snapshot)).toEqual(['ec2:DescribeAvailabilityZones', 'ec2:DescribeRegions']);
    expect(snapshot['ec2:DescribeRegions']).toEqual({ calls: 2, attempts: 2, throttled: 0, failed: 0 });
    expect(snapshot['ec2:DescribeAvailabilityZones']).toEqual({
      calls: 1,
      attempts: 2,
      throttled: 1,
      failed: 0,
    });
    expect(counter.totals()).toEqual({ calls: 3, attempts: 4, throttled: 1, failed: 0 });
  });

  it('hands out copies, counts an operation it never saw as undefined, and forgets on reset', async () => {
    // Prepare
    const client = makeClient(scriptedHandler([{ status: 200, body: regionsBody }]));
    const counter = new ApiCallCounter();
    counter.instrument(client, 'ec2');
    await client.send(new DescribeRegionsCommand({}));

    // Act
    const copy = counter.snapshot();
    copy['ec2:DescribeRegions']!.calls = 99;
    const unseen = counter.get('ec2:DescribeInstances');
    const before = counter.get('ec2:DescribeRegions')?.calls;
    counter.reset();

    // Assess
    expect(before).toBe(1);
    expect(unseen).toBeUndefined();
    expect(counter.snapshot()).toEqual({});
    expect(counter.totals()).toEqual({ calls: 0, attempts: 0, throttled: 0, failed: 0 });
  });

  it('counts each call once when a client is instrumented twice', async () => {
    // Prepare
    const client = makeClient(scriptedHandler([{ status: 200, body: regionsBody }]));
    const counter = new ApiCallCounter();
    counter.instrument(client, 'ec2');
    counter.instrument(client, 'ec2');

    // Act
    await client.send(new DescribeRegionsCommand({}));

    // Assess
    expect(counter.get('ec2:DescribeRegions')).toEqual({ calls: 1, attempts: 1, throttled: 0, failed: 0 });
  });
});
