import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient, ListClustersCommand as ListEcsClustersCommand } from '@aws-sdk/client-ecs';
import { EKSClient, ListClustersCommand as ListEksClustersCommand } from '@aws-sdk/client-eks';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import type { SdkClient } from '../../../src/aws/clients.ts';
import { errorCode, isThrottlingError } from '../../../src/aws/errors.ts';
import { type FaultProxy, type ServiceRates, serviceOf, startFaultProxy } from '../../support/fault-proxy.ts';

/**
 * The emulator's stand-in: answers every call with the smallest valid response of its protocol, and
 * counts what reached it.
 */
function startUpstream(): Promise<{ server: Server; endpoint: string; received: string[] }> {
  const received: string[] = [];
  const answers: Record<string, { type: string; body: string }> = {
    ec2: {
      type: 'text/xml',
      body:
        '<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
        '<requestId>r-1</requestId><regionInfo/></DescribeRegionsResponse>',
    },
    s3: { type: 'application/xml', body: '<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>' },
    sts: {
      type: 'text/xml',
      body:
        '<GetCallerIdentityResponse><GetCallerIdentityResult><Account>123456789012</Account>' +
        '</GetCallerIdentityResult></GetCallerIdentityResponse>',
    },
    sns: {
      type: 'text/xml',
      body: '<ListTopicsResponse><ListTopicsResult><Topics/></ListTopicsResult></ListTopicsResponse>',
    },
    eks: { type: 'application/json', body: '{"clusters":[]}' },
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const service = serviceOf(req);
      received.push(`${service} ${req.method} ${req.url}`);
      if (req.url === '/unimplemented') {
        // What moto answers for an operation it lacks.
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>500 Internal Server Error</title>');
        return;
      }
      const answer = answers[service] ?? { type: 'application/x-amz-json-1.1', body: '{}' };
      res.writeHead(200, { 'content-type': answer.type });
      res.end(answer.body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, endpoint: `http://127.0.0.1:${port}`, received });
    });
  });
}

/** Sends one command with a client of its own, then lets the client go. */
async function sendOnce(client: SdkClient, command: object) {
  try {
    return await client.send(command);
  } finally {
    client.destroy();
  }
}

const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'test-secret' };

/** One representative call per service, and the error AWS answers it with when throttled. */
const cases = [
  {
    service: 'ec2',
    call: (c: object) => sendOnce(new EC2Client(c), new DescribeRegionsCommand({})),
    throttle: ['RequestLimitExceeded', 503],
    serverError: ['InternalError', 500],
  },
  {
    service: 'ecs',
    call: (c: object) => sendOnce(new ECSClient(c), new ListEcsClustersCommand({})),
    throttle: ['ThrottlingException', 400],
    serverError: ['InternalFailure', 500],
  },
  {
    service: 'eks',
    call: (c: object) => sendOnce(new EKSClient(c), new ListEksClustersCommand({})),
    throttle: ['ThrottlingException', 429],
    serverError: ['ServerException', 500],
  },
  {
    service: 'ecr',
    call: (c: object) => sendOnce(new ECRClient(c), new DescribeRepositoriesCommand({})),
    throttle: ['ThrottlingException', 400],
    serverError: ['InternalFailure', 500],
  },
  {
    service: 'ssm',
    call: (c: object) => sendOnce(new SSMClient(c), new DescribeInstanceInformationCommand({})),
    throttle: ['ThrottlingException', 400],
    serverError: ['InternalFailure', 500],
  },
  {
    service: 'dynamodb',
    call: (c: object) => sendOnce(new DynamoDBClient(c), new ListTablesCommand({})),
    throttle: ['ThrottlingException', 400],
    serverError: ['InternalServerError', 500],
  },
  {
    service: 'organizations',
    call: (c: object) => sendOnce(new OrganizationsClient(c), new ListAccountsCommand({})),
    throttle: ['ThrottlingException', 400],
    serverError: ['InternalFailure', 500],
  },
  {
    service: 'sqs',
    call: (c: object) => sendOnce(new SQSClient(c), new ListQueuesCommand({})),
    throttle: ['ThrottlingException', 400],
    serverError: ['InternalFailure', 500],
  },
  {
    service: 's3',
    call: (c: object) => sendOnce(new S3Client({ ...c, forcePathStyle: true }), new ListBucketsCommand({})),
    throttle: ['SlowDown', 503],
    serverError: ['InternalError', 500],
  },
  {
    service: 'sts',
    call: (c: object) => sendOnce(new STSClient(c), new GetCallerIdentityCommand({})),
    throttle: ['Throttling', 400],
    serverError: ['InternalFailure', 500],
  },
  {
    service: 'sns',
    call: (c: object) => sendOnce(new SNSClient(c), new ListTopicsCommand({})),
    throttle: ['Throttling', 400],
    serverError: ['InternalFailure', 500],
  },
] as const;

interface RawAnswer {
  status?: number;
  body?: string;
  error?: string;
}

/** A bare HTTP call signed (in form only) for `service`, one connection per call. */
async function send(
  endpoint: string,
  options: { service?: string; path?: string; body?: string; method?: string } = {},
): Promise<RawAnswer> {
  const url = new URL(options.path ?? '/', endpoint);
  const req = request(url, {
    method: options.method ?? 'POST',
    agent: false,
    headers: {
      authorization:
        `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261125/eu-west-1/${options.service ?? 'ec2'}` +
        '/aws4_request, SignedHeaders=host, Signature=0',
      'content-type': 'application/x-www-form-urlencoded',
    },
  });
  req.end(options.body ?? 'Action=DescribeRegions&Version=2016-11-15');
  try {
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return {
      status: res.statusCode!,
      body: Buffer.concat(chunks).toString(),
    };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

/** What each of `n` distinct requests met: `ok`, `throttle`, `serverError` or `drop`. */
async function outcomes(endpoint: string, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    const answer = await send(endpoint, { body: `Action=DescribeRegions&Version=2016-11-15&n=${i}` });
    seen.push(
      answer.error
        ? 'drop'
        : answer.status === 200
          ? 'ok'
          : answer.status === 503
            ? 'throttle'
            : 'serverError',
    );
  }
  return seen;
}

describe('the fault-injecting proxy', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  const proxies: FaultProxy[] = [];

  async function proxy(
    rates: ServiceRates,
    options: { seed?: number; maxFaultsPerRequestKey?: number } = {},
  ) {
    const started = await startFaultProxy(upstream.endpoint, { rates, ...options });
    proxies.push(started);
    return started;
  }

  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
    upstream.received.length = 0;
  });
  afterAll(async () => {
    upstream.server.close();
  });

  describe.each(cases)('for $service', ({ service, call, throttle, serverError }) => {
    it('throttles with the error AWS uses, which the SDK and estatescan count as throttling', async () => {
      // Prepare
      const p = await proxy({ [service]: { throttle: 1 } });
      const config = { region: 'eu-west-1', endpoint: p.endpoint, credentials, maxAttempts: 1 };

      // Act
      const error = await call(config).then(
        () => undefined,
        (e: unknown) => e,
      );

      // Assess
      expect(errorCode(error)).toBe(throttle[0]);
      expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(throttle[1]);
      expect(isThrottlingError(error)).toBe(true);
      expect(upstream.received).toEqual([]);
      expect(p.stats().services[service]).toEqual({ forwarded: 0, throttle: 1, serverError: 0, drop: 0 });
    });

    it('fails with a 500 the SDK retries, and reaches the service once the fault clears', async () => {
      // Prepare
      const p = await proxy({ [service]: { serverError: 1 } }, { maxFaultsPerRequestKey: 2 });
      const config = { region: 'eu-west-1', endpoint: p.endpoint, credentials };

      // Act
      const error = await call({ ...config, maxAttempts: 1 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const output = await call({ ...config, maxAttempts: 4 });

      // Assess
      expect(errorCode(error)).toBe(serverError[0]);
      expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(500);
      expect(isThrottlingError(error)).toBe(false);
      // The first call's fault counts against the cap too: one more fault, then it is forwarded.
      expect(output.$metadata.attempts).toBe(2);
      expect(upstream.received).toHaveLength(1);
    });
  });

  it('drops connections without answering, which the SDK sees as ECONNRESET and retries', async () => {
    // Prepare
    const p = await proxy({ ec2: { drop: 1 } }, { maxFaultsPerRequestKey: 2 });
    const config = { region: 'eu-west-1', endpoint: p.endpoint, credentials };

    // Act
    const error = await sendOnce(
      new EC2Client({ ...config, maxAttempts: 1 }),
      new DescribeRegionsCommand({ RegionNames: ['eu-west-1'] }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    const output = await sendOnce(
      new EC2Client({ ...config, maxAttempts: 3 }),
      new DescribeRegionsCommand({}),
    );

    // Assess
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(output.$metadata.attempts).toBe(3);
    expect(p.stats().totals).toEqual({ forwarded: 1, throttle: 0, serverError: 0, drop: 3 });
  });

  it('lets a client with more attempts than the cap always succeed, and the counter sees every retry', async () => {
    // Prepare
    const p = await proxy({ default: { serverError: 1 } }, { maxFaultsPerRequestKey: 3 });
    const counter = new ApiCallCounter();
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: p.endpoint, credentials, maxAttempts: 4 });
    counter.instrument(ec2, 'ec2');

    // Act
    const outputs = await Promise.all(
      ['eu-west-1', 'us-east-1', 'eu-central-1'].map((r) =>
        ec2.send(new DescribeRegionsCommand({ RegionNames: [r] })),
      ),
    );

    // Assess
    expect(outputs.map((o) => o.$metadata.attempts)).toEqual([4, 4, 4]);
    expect(counter.get('ec2:DescribeRegions')).toEqual({ calls: 3, attempts: 12, throttled: 0, failed: 0 });
    ec2.destroy();
  });

  it('injects nothing at rate 0, everything at rate 1, and caps consecutive faults per request', async () => {
    // Prepare
    const none = await proxy({ default: { throttle: 0, serverError: 0, drop: 0 } });
    const all = await proxy({ default: { throttle: 1 } });
    const capped = await proxy({ default: { throttle: 1 } }, { maxFaultsPerRequestKey: 3 });

    // Act
    const fromNone = await outcomes(none.endpoint, 20);
    const fromAll = await outcomes(all.endpoint, 20);
    const sameRequest: string[] = [];
    for (let i = 0; i < 8; i++) sameRequest.push(String((await send(capped.endpoint)).status));

    // Assess
    expect(fromNone).toEqual(Array(20).fill('ok'));
    expect(fromAll).toEqual(Array(20).fill('throttle'));
    expect(sameRequest).toEqual(['503', '503', '503', '200', '503', '503', '503', '200']);
    expect(capped.stats().services.ec2).toEqual({ forwarded: 2, throttle: 6, serverError: 0, drop: 0 });
  });

  it('leaves a request the upstream fails on its own alone, when asked to', async () => {
    // Prepare
    const rates = { default: { throttle: 1 } };
    const plain = await proxy(rates, { maxFaultsPerRequestKey: 1 });
    const sparing = await startFaultProxy(upstream.endpoint, {
      rates,
      maxFaultsPerRequestKey: 1,
      spareFailingRequests: true,
    });
    proxies.push(sparing);

    // Act
    const statuses = async (p: FaultProxy) => {
      const seen: number[] = [];
      for (let i = 0; i < 5; i++) seen.push((await send(p.endpoint, { path: '/unimplemented' })).status!);
      return seen;
    };
    const fromPlain = await statuses(plain);
    const fromSparing = await statuses(sparing);

    // Assess: once the emulator has failed it, the request meets only the emulator's own error.
    expect(fromPlain).toEqual([503, 500, 503, 500, 503]);
    expect(fromSparing).toEqual([503, 500, 500, 500, 500]);
  });

  it('injects each kind at about its rate, only for the services it is set for', async () => {
    // Prepare
    const p = await proxy({ ec2: { throttle: 0.1, serverError: 0.1, drop: 0.1 } }, { seed: 7 });

    // Act
    const seen = await outcomes(p.endpoint, 300);
    const s3 = await send(p.endpoint, { service: 's3', method: 'GET', path: '/', body: '' });

    // Assess
    for (const kind of ['throttle', 'serverError', 'drop']) {
      const share = seen.filter((s) => s === kind).length / seen.length;
      expect(share).toBeGreaterThan(0.05);
      expect(share).toBeLessThan(0.16);
    }
    expect(s3.status).toBe(200);
    const { services, totals } = p.stats();
    expect(services.s3).toEqual({ forwarded: 1, throttle: 0, serverError: 0, drop: 0 });
    expect(totals.forwarded + totals.throttle + totals.serverError + totals.drop).toBe(301);
    expect(services.ec2!.forwarded).toBe(seen.filter((s) => s === 'ok').length);
  });

  it('is reproducible: the same seed meets the same faults, another seed others', async () => {
    // Prepare
    const rates = { default: { throttle: 0.2, serverError: 0.2, drop: 0.2 } };
    const [a, b, c] = [
      await proxy(rates, { seed: 42 }),
      await proxy(rates, { seed: 42 }),
      await proxy(rates, { seed: 43 }),
    ];

    // Act
    const [fromA, fromB, fromC] = [
      await outcomes(a.endpoint, 40),
      await outcomes(b.endpoint, 40),
      await outcomes(c.endpoint, 40),
    ];

    // Assess
    expect(fromA).toEqual(fromB);
    expect(fromA).not.toEqual(fromC);
  });

  it('adds latency to every forwarded request, and to nothing else', async () => {
    // Prepare: the proxies record each wait instead of taking it, so nothing here reads a clock.
    const waits: Record<string, number[]> = { slow: [], fast: [] };
    const recording = (name: string) => async (ms: number) => {
      waits[name]!.push(ms);
    };
    const slow = await startFaultProxy(upstream.endpoint, {
      rates: { default: { latencyMs: 150 } },
      delay: recording('slow'),
    });
    const fast = await startFaultProxy(upstream.endpoint, {
      rates: { default: { latencyMs: 0 } },
      delay: recording('fast'),
    });
    proxies.push(slow, fast);

    // Act
    const slowAnswers = [
      await send(slow.endpoint),
      await send(slow.endpoint),
      await send(slow.endpoint, { path: '/moto-api/reset' }),
    ];
    const fastAnswer = await send(fast.endpoint);

    // Assess: one wait of the configured latency per forwarded call, none for the emulator's own API.
    expect(slowAnswers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(fastAnswer.status).toBe(200);
    expect(waits).toEqual({ slow: [150, 150], fast: [] });
  });

  it("never faults the emulator's own /moto-api/ paths", async () => {
    // Prepare
    const p = await proxy({ default: { throttle: 1 }, unknown: { throttle: 1 } });

    // Act
    const reset = await send(p.endpoint, { path: '/moto-api/reset' });
    const unsigned = await send(p.endpoint, {
      service: 'ec2',
      path: '/moto-api/data.json',
      method: 'GET',
      body: '',
    });

    // Assess
    expect([reset.status, unsigned.status]).toEqual([200, 200]);
    expect(upstream.received).toEqual(['ec2 POST /moto-api/reset', 'ec2 GET /moto-api/data.json']);
  });

  it('rejects rates outside 0..1 or summing to more than 1', async () => {
    await expect(
      startFaultProxy(upstream.endpoint, { rates: { default: { throttle: 1.5 } } }),
    ).rejects.toThrow(RangeError);
    await expect(
      startFaultProxy(upstream.endpoint, { rates: { ec2: { throttle: 0.6, drop: 0.6 } } }),
    ).rejects.toThrow(/sum to at most 1/);
  });
});
