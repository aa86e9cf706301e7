/**
 * A counting HTTP proxy for `npm run bench:peers`: it sits on loopback in front of moto and counts
 * every request it forwards per operation (`ec2:DescribeInstances`, `s3:GetBucketVersioning`,
 * `eks:DescribeCluster`…), whichever client sent it, so estatescan (the SDK for JavaScript) and
 * Prowler (boto3) are counted the same way: HTTP requests received, retries included.
 *
 * Operations are told from the wire: the `X-Amz-Target` header (JSON protocols), the `Action`
 * parameter (EC2 and query protocols), and the method, path and sub-resource for the REST services
 * (S3, EKS, S3 Control). The service comes from the SigV4 credential scope (`serviceOf`).
 *
 * moto lacks two read operations estatescan makes (SSM `DescribeInstanceInformation`, ECR Public
 * `DescribeRepositories`); it answers them HTTP 500, which a client retries with back-off. With
 * `answerMotoGaps` the proxy answers them itself, as AWS answers an account without managed
 * instances or public repositories (an empty page), and counts them like any other call
 * (bench/moto-gaps.ts does the same on the client for the in-process benchmark).
 */
import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serviceOf } from '../test/support/fault-proxy.ts';

/** What the proxy saw of one operation. */
export interface OperationTally {
  /** Requests received (each retry is one more). */
  calls: number;
  /** Answered 4xx (most are expected not-found answers: a bucket without a policy…). */
  clientErrors: number;
  /** Answered 5xx: for moto, almost always an operation it does not implement. */
  serverErrors: number;
  /**
   * Answered with an HTML error page: moto's web server saying it has no such route or operation
   * (moto's own errors are XML or JSON, as AWS's are).
   */
  unsupported: number;
  /** Answered by the proxy because moto lacks the operation (`answerMotoGaps`). */
  answeredByProxy: number;
}

/** What the proxy saw between two `take()`s. */
export interface Tally {
  operations: Record<string, OperationTally>;
  /** When the first and the last request arrived (`performance.now()`), if any did. */
  firstAt?: number;
  lastAt?: number;
}

export interface CountingProxyOptions {
  /** Added before forwarding each request (default 0): an emulator answers faster than AWS. */
  latencyMs?: number;
  /** Answer the read operations moto lacks with AWS's empty answer (default true). */
  answerMotoGaps?: boolean;
}

export interface CountingProxy {
  /** `http://127.0.0.1:<port>`: give it to the clients as their endpoint. */
  endpoint: string;
  /** What was seen since the last `take()` (or the start), and starts counting afresh. */
  take(): Tally;
  stop(): Promise<void>;
}

/** moto's gaps and the answer AWS gives an account that has none of them. */
const motoGaps: Record<string, string> = {
  'ssm:DescribeInstanceInformation': JSON.stringify({ InstanceInformationList: [] }),
  'ecr-public:DescribeRepositories': JSON.stringify({ repositories: [] }),
};

/** S3 sub-resources (`?versioning`) and the operation name they make with the method. */
const s3SubResources: Record<string, string> = {
  accelerate: 'BucketAccelerateConfiguration',
  acl: 'BucketAcl',
  analytics: 'BucketAnalyticsConfiguration',
  cors: 'BucketCors',
  encryption: 'BucketEncryption',
  'intelligent-tiering': 'BucketIntelligentTieringConfiguration',
  inventory: 'BucketInventoryConfiguration',
  lifecycle: 'BucketLifecycleConfiguration',
  location: 'BucketLocation',
  logging: 'BucketLogging',
  metrics: 'BucketMetricsConfiguration',
  notification: 'BucketNotificationConfiguration',
  'object-lock': 'ObjectLockConfiguration',
  ownershipControls: 'BucketOwnershipControls',
  policy: 'BucketPolicy',
  policyStatus: 'BucketPolicyStatus',
  publicAccessBlock: 'PublicAccessBlock',
  replication: 'BucketReplication',
  requestPayment: 'BucketRequestPayment',
  tagging: 'BucketTagging',
  versioning: 'BucketVersioning',
  website: 'BucketWebsite',
};

const verbs: Record<string, string> = {
  GET: 'Get',
  PUT: 'Put',
  DELETE: 'Delete',
  POST: 'Post',
  HEAD: 'Head',
};

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function s3Operation(method: string, url: URL): string {
  const [bucket, ...key] = url.pathname.split('/').filter(Boolean);
  if (!bucket) return method === 'GET' ? 'ListBuckets' : `${method} /`;
  const sub = [...url.searchParams.keys()].find((k) => k in s3SubResources);
  if (sub) return `${verbs[method] ?? method}${s3SubResources[sub]}`;
  if (key.length) {
    return (
      { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' }[method] ?? method
    );
  }
  if (url.searchParams.has('versions')) return 'ListObjectVersions';
  if (url.searchParams.has('uploads')) return 'ListMultipartUploads';
  if (url.searchParams.has('delete')) return 'DeleteObjects';
  return (
    {
      GET: url.searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects',
      HEAD: 'HeadBucket',
      PUT: 'CreateBucket',
      DELETE: 'DeleteBucket',
    }[method] ?? method
  );
}

/** REST paths alternate collection and id (`/clusters/{name}/node-groups/{name}`): keep the former. */
function restPath(pathname: string): string {
  return `/${pathname
    .split('/')
    .filter(Boolean)
    .map((segment, i) => (i % 2 === 0 ? segment : '{}'))
    .join('/')}`;
}

const eksRoutes: Record<string, string> = {
  'GET /clusters': 'ListClusters',
  'GET /clusters/{}': 'DescribeCluster',
  'GET /clusters/{}/node-groups': 'ListNodegroups',
  'GET /clusters/{}/node-groups/{}': 'DescribeNodegroup',
  'GET /clusters/{}/addons': 'ListAddons',
  'GET /clusters/{}/addons/{}': 'DescribeAddon',
  'GET /clusters/{}/fargate-profiles': 'ListFargateProfiles',
  'GET /clusters/{}/fargate-profiles/{}': 'DescribeFargateProfile',
  'GET /clusters/{}/identity-provider-configs': 'ListIdentityProviderConfigs',
  'GET /clusters/{}/access-entries': 'ListAccessEntries',
  'GET /clusters/{}/pod-identity-associations': 'ListPodIdentityAssociations',
  'GET /cluster-versions': 'DescribeClusterVersions',
};

/** `service:Operation` for a request, or `service:METHOD /path` when the operation cannot be told. */
export function operationOf(req: IncomingMessage, body: Buffer): string {
  const service = serviceOf(req);
  const url = new URL(req.url ?? '/', 'http://proxy');
  const method = req.method ?? 'GET';
  const target = header(req, 'x-amz-target');
  if (target) return `${service}:${target.split('.').pop()}`;
  const action =
    url.searchParams.get('Action') ??
    (header(req, 'content-type')?.startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(body.toString('utf8')).get('Action')
      : null);
  if (action) return `${service}:${action}`;
  // Smithy RPC v2 (CBOR): /service/<Service>/operation/<Operation>.
  const rpc = /\/service\/[^/]+\/operation\/([^/?]+)/.exec(url.pathname);
  if (rpc) return `${service}:${rpc[1]}`;
  if (service === 's3') return `s3:${s3Operation(method, url)}`;
  if (service === 's3control') {
    return url.pathname.endsWith('/configuration/publicAccessBlock')
      ? `s3control:${verbs[method] ?? method}PublicAccessBlock`
      : `s3control:${method} ${restPath(url.pathname)}`;
  }
  const route = `${method} ${restPath(url.pathname)}`;
  if (service === 'eks' && eksRoutes[route]) return `eks:${eksRoutes[route]}`;
  return `${service}:${route}`;
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

export async function startCountingProxy(
  upstream: string,
  options: CountingProxyOptions = {},
): Promise<CountingProxy> {
  const latencyMs = options.latencyMs ?? 0;
  const answerGaps = options.answerMotoGaps ?? true;
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const sockets = new Set<Socket>();
  let tallies = new Map<string, OperationTally>();
  let firstAt: number | undefined;
  let lastAt: number | undefined;

  const tally = (operation: string) => {
    let entry = tallies.get(operation);
    if (!entry) {
      entry = { calls: 0, clientErrors: 0, serverErrors: 0, unsupported: 0, answeredByProxy: 0 };
      tallies.set(operation, entry);
    }
    return entry;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      // The emulator's own control plane is not a client's call.
      const control = req.url?.startsWith('/moto-api/') ?? false;
      const operation = control ? undefined : operationOf(req, body);
      const entry = operation ? tally(operation) : undefined;
      if (entry) {
        entry.calls++;
        lastAt = performance.now();
        firstAt ??= lastAt;
      }
      if (latencyMs > 0 && !control) await sleep(latencyMs);
      const gap = operation && answerGaps ? motoGaps[operation] : undefined;
      if (entry && gap !== undefined) {
        entry.answeredByProxy++;
        res.writeHead(200, {
          'content-type': 'application/x-amz-json-1.1',
          'content-length': String(Buffer.byteLength(gap)),
          'x-amzn-requestid': 'bench-peers-moto-gap',
        });
        res.end(gap);
        return;
      }
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
          const status = upstreamResponse.statusCode ?? 502;
          if (entry && status >= 500) entry.serverErrors++;
          else if (entry && status >= 400) entry.clientErrors++;
          if (entry && status >= 400 && upstreamResponse.headers['content-type']?.startsWith('text/html')) {
            entry.unsupported++;
          }
          res.writeHead(status, upstreamResponse.headers);
          upstreamResponse.pipe(res);
        },
      );
      upstreamRequest.on('error', () => res.socket?.destroy());
      upstreamRequest.end(body);
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
    take() {
      const operations = Object.fromEntries([...tallies.entries()].sort(([a], [b]) => a.localeCompare(b)));
      const taken: Tally = {
        operations,
        ...(firstAt !== undefined ? { firstAt } : {}),
        ...(lastAt !== undefined ? { lastAt } : {}),
      };
      tallies = new Map();
      firstAt = undefined;
      lastAt = undefined;
      return taken;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}
