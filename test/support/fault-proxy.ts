/**
 * A fault-injecting HTTP proxy for tests: it sits on loopback between the SDK and the emulator and,
 * at configurable rates per service, answers with the service's real throttling error, a 500, or a
 * dropped connection instead of forwarding, and adds latency to what it forwards.
 *
 * The answers have the shapes AWS uses, so the SDK classifies them as it would in production
 * (`@smithy/core` retry, `isThrottlingError` / `isTransientError`):
 * - throttles carry a code from the SDK's THROTTLING_ERROR_CODES (`RequestLimitExceeded`,
 *   `ThrottlingException`, `SlowDown`, `Throttling`), so they are retried with the throttling
 *   back-off (and teach adaptive mode to slow down);
 * - 500s are in TRANSIENT_ERROR_STATUS_CODES (500, 502, 503, 504), retried with the normal back-off;
 * - a dropped connection surfaces as `ECONNRESET` ("socket hang up"), in NODEJS_TIMEOUT_ERROR_CODES,
 *   so it is retried too.
 *
 * A faulted request is never forwarded: the emulator sees each call once, so a retried write can
 * never be applied twice (a real dropped connection may have been processed; scans only read).
 */
import { createHash, randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Probabilities (0..1, summing to at most 1) of each fault, and latency added to forwarded calls. */
export interface FaultRates {
  throttle?: number;
  serverError?: number;
  drop?: number;
  latencyMs?: number;
}

/** Rates per service as named in the SigV4 credential scope (`ec2`, `s3`, `dynamodb`…). */
export type ServiceRates = { [service: string]: FaultRates | undefined; default?: FaultRates };

export type FaultKind = 'throttle' | 'serverError' | 'drop';

export interface FaultProxyOptions {
  rates: ServiceRates;
  /**
   * Seeds the fault decisions (default 1): the same sequence of requests meets the same faults.
   * Concurrent clients interleave their requests differently from run to run, so a concurrent scan
   * meets the same rates and caps, not necessarily the same faults on the same calls.
   */
  seed?: number;
  /**
   * At most this many faults in a row for the same request (see `requestKey`); the next attempt is
   * forwarded. With 3, a client with `maxAttempts` ≥ 4 can never fail on bad luck, which is what a
   * test asserting "exactly the same findings" needs: the retries are exercised, never exhausted.
   * (The SDK also gives each client a retry quota: 500 tokens, 5 per throttling retry and 14 per
   * other retry, refunded on success. At test rates it takes dozens of failing calls on one client
   * to drain it; a drained quota fails calls without retrying, as it would against AWS.)
   */
  maxFaultsPerRequestKey?: number;
  /**
   * Once the upstream itself answers a request with a 5xx (an operation the emulator lacks answers
   * 500), inject no more faults into that request. The call fails anyway: faults would only stretch
   * its retries (a throttle late in the sequence costs up to 20 s of back-off) and could replace
   * the emulator's error with an injected one, where a test compares a faulty run's errors with a
   * clean run's.
   */
  spareFailingRequests?: boolean;
  /**
   * How the proxy waits out `latencyMs` before forwarding (default: a timer). A test of the latency
   * itself passes one that records the waits, so it counts them instead of reading a clock.
   */
  delay?: (ms: number) => Promise<void>;
}

export interface ServiceStats {
  forwarded: number;
  throttle: number;
  serverError: number;
  drop: number;
}

export interface FaultStats {
  /** Per service, as told from the request. */
  services: Record<string, ServiceStats>;
  totals: ServiceStats;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to the clients as their endpoint. */
  endpoint: string;
  stats(): FaultStats;
  setRates(rates: ServiceRates): void;
  stop(): Promise<void>;
}

/** How a service's errors are written on the wire. */
type Protocol = 'ec2' | 'query' | 'json' | 'rest-json' | 'rest-xml';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `X-Amz-Target` prefixes of the JSON-protocol services, for requests without a SigV4 scope. */
const serviceByTargetPrefix: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  SpencerFrontendService: 'ecr-public',
  AmazonSSM: 'ssm',
  DynamoDB_20120810: 'dynamodb',
  DynamoDBStreams_20120810: 'dynamodb',
  AWSOrganizationsV20161128: 'organizations',
  AmazonSQS: 'sqs',
  AWSStepFunctions: 'states',
};

/** mulberry32: a tiny, good-enough PRNG whose whole state is one 32-bit number. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `Credential=AKID/20260101/eu-west-1/ec2/aws4_request` → its parts. */
function credentialScope(req: IncomingMessage) {
  const match = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    header(req, 'authorization') ?? '',
  );
  return match ? { accessKeyId: match[1]!, region: match[2]!, service: match[3]! } : undefined;
}

/** The service a request is for: the SigV4 scope, else the `X-Amz-Target` prefix. */
export function serviceOf(req: IncomingMessage): string {
  const scope = credentialScope(req);
  if (scope) {
    // S3 Control signs as `s3`; its paths are versioned.
    if (scope.service === 's3' && req.url?.startsWith('/v20180820/')) return 's3control';
    return scope.service;
  }
  const target = header(req, 'x-amz-target');
  if (target) return serviceByTargetPrefix[target.split('.')[0]!] ?? 'unknown';
  return 'unknown';
}

function protocolOf(service: string, req: IncomingMessage): Protocol {
  if (service === 'ec2') return 'ec2';
  if (service === 's3' || service === 's3control') return 'rest-xml';
  if (header(req, 'x-amz-target')) return 'json';
  if (header(req, 'content-type')?.startsWith('application/x-www-form-urlencoded')) return 'query';
  return 'rest-json';
}

const xml = { 'content-type': 'text/xml;charset=UTF-8' };

/** The service's real answer for a fault, as AWS writes it for that protocol. */
export function faultAnswer(
  kind: 'throttle' | 'serverError',
  service: string,
  protocol: Protocol,
  contentType?: string,
): Answer {
  const requestId = randomUUID();
  const throttle = kind === 'throttle';
  switch (protocol) {
    case 'ec2': {
      const [code, message] = throttle
        ? ['RequestLimitExceeded', 'Request limit exceeded.']
        : ['InternalError', 'An internal error has occurred'];
      return {
        status: throttle ? 503 : 500,
        headers: xml,
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code>` +
          `<Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    }
    case 'rest-xml': {
      const [code, message] = throttle
        ? ['SlowDown', 'Please reduce your request rate.']
        : ['InternalError', 'We encountered an internal error. Please try again.'];
      return {
        status: throttle ? 503 : 500,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
        body:
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
          `<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`,
      };
    }
    case 'query': {
      const [type, code, message] = throttle
        ? ['Sender', 'Throttling', 'Rate exceeded']
        : ['Receiver', 'InternalFailure', 'An internal error occurred.'];
      return {
        status: throttle ? 400 : 500,
        headers: { ...xml, 'x-amzn-requestid': requestId },
        body:
          `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message>` +
          `</Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    case 'json': {
      // DynamoDB qualifies its error types with its namespace and has its own 500.
      const dynamodb = service === 'dynamodb';
      const code = throttle ? 'ThrottlingException' : dynamodb ? 'InternalServerError' : 'InternalFailure';
      const message = throttle
        ? dynamodb
          ? 'Rate of requests exceeds the allowed throughput.'
          : 'Rate exceeded'
        : 'The request processing has failed because of an unknown error, exception or failure.';
      const type = dynamodb ? `com.amazonaws.dynamodb.v20120810#${code}` : code;
      return {
        status: throttle ? 400 : 500,
        headers: {
          'content-type': contentType ?? 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': code,
        },
        body: JSON.stringify({ __type: type, message }),
      };
    }
    case 'rest-json': {
      // EKS models ThrottlingException with HTTP 429 and ServerException with 500.
      const code = throttle ? 'ThrottlingException' : 'ServerException';
      return {
        status: throttle ? 429 : 500,
        headers: {
          'content-type': 'application/json',
          'x-amzn-requestid': requestId,
          'x-amzn-errortype': code,
        },
        body: JSON.stringify({ message: throttle ? 'Rate exceeded' : 'An internal error occurred.' }),
      };
    }
  }
}

function emptyStats(): ServiceStats {
  return { forwarded: 0, throttle: 0, serverError: 0, drop: 0 };
}

function validateRates(rates: ServiceRates): void {
  for (const [service, r] of Object.entries(rates)) {
    if (!r) continue;
    const parts = [r.throttle ?? 0, r.serverError ?? 0, r.drop ?? 0];
    if (parts.some((p) => !(p >= 0 && p <= 1)) || parts.reduce((a, b) => a + b, 0) > 1 + 1e-9) {
      throw new RangeError(`fault rates for ${service} must be in 0..1 and sum to at most 1`);
    }
    if (r.latencyMs !== undefined && !(r.latencyMs >= 0)) {
      throw new RangeError(`latencyMs for ${service} must be ≥ 0`);
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startFaultProxy(upstream: string, options: FaultProxyOptions): Promise<FaultProxy> {
  validateRates(options.rates);
  let rates = options.rates;
  const random = seededRandom(options.seed ?? 1);
  const delay = options.delay ?? sleep;
  const maxFaults = options.maxFaultsPerRequestKey ?? Number.POSITIVE_INFINITY;
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const stats = new Map<string, ServiceStats>();
  /** Consecutive faults per request key; forgotten once the request is forwarded. */
  const faultsInARow = new Map<string, number>();
  /** Request keys the upstream answered with a 5xx (kept only with `spareFailingRequests`). */
  const failing = new Set<string>();
  const sockets = new Set<Socket>();

  const count = (service: string, kind: keyof ServiceStats) => {
    let entry = stats.get(service);
    if (!entry) {
      entry = emptyStats();
      stats.set(service, entry);
    }
    entry[kind]++;
  };

  /**
   * The same request as far as retries go: its method, path and body, plus the credential scope's
   * access key, region and service, so identical calls from different accounts or regions do not
   * share a cap. The SDK re-signs each attempt (new date, new signature) but keeps these.
   */
  const requestKey = (req: IncomingMessage, body: Buffer) => {
    const scope = credentialScope(req);
    return createHash('sha256')
      .update(`${req.method} ${req.url}\n${header(req, 'x-amz-target') ?? ''}\n`)
      .update(scope ? `${scope.accessKeyId}/${scope.region}/${scope.service}\n` : '\n')
      .update(body)
      .digest('hex');
  };

  const chooseFault = (service: string, req: IncomingMessage, key: string): FaultKind | undefined => {
    // The emulator's own control plane (reset, data.json) is never faulted.
    if (req.url?.startsWith('/moto-api/')) return undefined;
    const r = rates[service] ?? rates.default;
    if (!r) return undefined;
    // Draw for every request, so the sequence of draws does not depend on the caps below.
    const draw = random();
    if ((faultsInARow.get(key) ?? 0) >= maxFaults) return undefined;
    if (failing.has(key)) return undefined;
    const throttle = r.throttle ?? 0;
    const serverError = throttle + (r.serverError ?? 0);
    const drop = serverError + (r.drop ?? 0);
    if (draw < throttle) return 'throttle';
    if (draw < serverError) return 'serverError';
    if (draw < drop) return 'drop';
    return undefined;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, key: string) => {
    const upstreamRequest = request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // Headers as signed, host included (the emulator does not check signatures).
        headers: req.headers,
        agent,
      },
      (upstreamResponse) => {
        if (options.spareFailingRequests && (upstreamResponse.statusCode ?? 0) >= 500) failing.add(key);
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(res);
      },
    );
    upstreamRequest.on('error', () => res.socket?.destroy());
    upstreamRequest.end(body);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const service = serviceOf(req);
      const key = requestKey(req, body);
      const fault = chooseFault(service, req, key);
      if (fault) {
        faultsInARow.set(key, (faultsInARow.get(key) ?? 0) + 1);
        count(service, fault);
        if (fault === 'drop') {
          // No answer at all: the client sees the connection reset (ECONNRESET, "socket hang up").
          req.socket.destroy();
          return;
        }
        const answer = faultAnswer(fault, service, protocolOf(service, req), header(req, 'content-type'));
        res.writeHead(answer.status, {
          ...answer.headers,
          'content-length': String(Buffer.byteLength(answer.body)),
        });
        res.end(req.method === 'HEAD' ? undefined : answer.body);
        return;
      }
      faultsInARow.delete(key);
      count(service, 'forwarded');
      const latency = (rates[service] ?? rates.default)?.latencyMs ?? 0;
      if (latency > 0 && !req.url?.startsWith('/moto-api/')) await delay(latency);
      forward(req, res, body, key);
    })().catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats() {
      const services: Record<string, ServiceStats> = {};
      const totals = emptyStats();
      for (const [service, entry] of [...stats.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        services[service] = { ...entry };
        for (const kind of Object.keys(totals) as (keyof ServiceStats)[]) totals[kind] += entry[kind];
      }
      return { services, totals };
    },
    setRates(next) {
      validateRates(next);
      rates = next;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}
