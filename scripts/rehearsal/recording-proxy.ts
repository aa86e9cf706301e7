/**
 * A loopback proxy in front of the emulator that records every AWS call made through it: who made
 * it (the role whose credentials signed it, learnt from the AssumeRole answers that pass through),
 * the IAM action it needs and the resource it names. The rehearsal checks these against each role's
 * policy, because moto's own IAM enforcement ignores resource ARNs outside S3, SQS, STS and IAM.
 * A fault rule may answer chosen calls itself, the way the service answers a failure.
 */
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { iamActionFor } from '../../src/aws/iam-actions.ts';

/** Whose credentials signed a call. */
export interface Principal {
  /** The role ARN (`arn:aws:iam::<account>:role/<path><name>`), or a name for the others. */
  arn: string;
  /** The account the call lands in. */
  accountId: string;
  /** Tags the rehearsal gave these credentials (e.g. which invocation they belong to). */
  tags: Record<string, string>;
}

export interface RecordedCall {
  /** The SigV4 credential scope's service, e.g. `dynamodb`, `s3`, `states`. */
  service: string;
  region: string;
  accessKeyId: string;
  principal?: Principal;
  /** The API operation, e.g. `PutItem`, `GetObject`; `Unknown<METHOD>` for a REST route not told here. */
  operation: string;
  /** The IAM action that authorizes it, e.g. `dynamodb:PutItem`, `s3:ListAllMyBuckets`. */
  action: string;
  /** The ARN of the resource the call names, when it names one; `*` for actions without one. */
  resource?: string;
  /** The request's path (REST operations are told by it). */
  path: string;
  /** How the request was written: JSON (`X-Amz-Target`), query (form) or REST. */
  protocol: 'json' | 'query' | 'rest';
  status: number;
}

export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RecordingProxy {
  endpoint: string;
  port: number;
  /** Every call forwarded or answered so far, in order. */
  calls(): RecordedCall[];
  /** Names the holder of access keys that did not come through AssumeRole (the harness, moto's own). */
  name(accessKeyId: string, principal: Omit<Principal, 'tags'> & { tags?: Record<string, string> }): void;
  /** Adds tags to the principal behind an access key (learnt or named). */
  tag(accessKeyId: string, tags: Record<string, string>): void;
  /** Calls this rule answers are not forwarded. */
  setFault(rule: ((call: RecordedCall) => FaultAnswer | undefined) | undefined): void;
  stop(): Promise<void>;
}

interface ParsedRequest {
  protocol: RecordedCall['protocol'];
  service: string;
  region: string;
  accessKeyId: string;
  operation: string;
  params: Record<string, unknown>;
  path: string;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** `service` and `region` of the SigV4 credential scope, and the access key. */
function credentialScope(authorization: string | undefined) {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return match ? { accessKeyId: match[1]!, region: match[2]!, service: match[3]! } : undefined;
}

/** S3 (path-style) and S3 Control operations from the method, path and query. */
function s3Operation(
  method: string,
  url: URL,
): { service: string; operation: string; params: Record<string, unknown> } {
  if (url.pathname.startsWith('/v20180820/')) {
    const operation = /publicAccessBlock$/.test(url.pathname)
      ? `${method === 'GET' ? 'Get' : method === 'PUT' ? 'Put' : 'Delete'}PublicAccessBlock`
      : `Unknown${method}`;
    return { service: 's3control', operation, params: {} };
  }
  const [, bucket, ...keyParts] = url.pathname.split('/');
  const key = decodeURIComponent(keyParts.join('/'));
  const query = new Set(url.searchParams.keys());
  const params: Record<string, unknown> = { Bucket: bucket ?? '', Key: key };
  if (!bucket) return { service: 's3', operation: 'ListBuckets', params };
  if (key) {
    const byMethod: Record<string, string> = {
      GET: 'GetObject',
      PUT: 'PutObject',
      HEAD: 'HeadObject',
      DELETE: 'DeleteObject',
      POST: 'PostObject',
    };
    return { service: 's3', operation: byMethod[method] ?? `Unknown${method}`, params };
  }
  const subresources: Record<string, string> = {
    location: 'BucketLocation',
    versioning: 'BucketVersioning',
    publicAccessBlock: 'PublicAccessBlock',
    encryption: 'BucketEncryption',
    policy: 'BucketPolicy',
    policyStatus: 'BucketPolicyStatus',
    lifecycle: 'BucketLifecycleConfiguration',
    tagging: 'BucketTagging',
    ownershipControls: 'BucketOwnershipControls',
    acl: 'BucketAcl',
  };
  for (const [subresource, name] of Object.entries(subresources)) {
    if (query.has(subresource)) {
      const verb = method === 'GET' ? 'Get' : method === 'PUT' ? 'Put' : 'Delete';
      const operation = name === 'PublicAccessBlock' ? `${verb}PublicAccessBlock` : `${verb}${name}`;
      return { service: 's3', operation, params };
    }
  }
  if (method === 'GET') {
    const operation = query.has('versions')
      ? 'ListObjectVersions'
      : url.searchParams.get('list-type') === '2'
        ? 'ListObjectsV2'
        : 'ListObjects';
    return { service: 's3', operation, params };
  }
  const byMethod: Record<string, string> = {
    HEAD: 'HeadBucket',
    PUT: 'CreateBucket',
    DELETE: 'DeleteBucket',
  };
  return { service: 's3', operation: byMethod[method] ?? `Unknown${method}`, params };
}

/** Lambda and EKS operations (REST protocols) from the method and path. */
function restOperation(
  service: string,
  method: string,
  path: string,
): { operation: string; params: Record<string, unknown> } {
  const routes: Record<string, [string, RegExp, string, string[]][]> = {
    lambda: [
      ['POST', /^\/2015-03-31\/functions\/([^/]+)\/invocations$/, 'Invoke', ['FunctionName']],
      ['GET', /^\/2015-03-31\/functions\/([^/]+)$/, 'GetFunction', ['FunctionName']],
      [
        'GET',
        /^\/2015-03-31\/functions\/([^/]+)\/configuration$/,
        'GetFunctionConfiguration',
        ['FunctionName'],
      ],
      ['GET', /^\/2015-03-31\/event-source-mappings\/?$/, 'ListEventSourceMappings', []],
      [
        'GET',
        /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config$/,
        'GetFunctionEventInvokeConfig',
        ['FunctionName'],
      ],
    ],
    eks: [
      ['GET', /^\/clusters$/, 'ListClusters', []],
      ['GET', /^\/clusters\/([^/]+)$/, 'DescribeCluster', ['name']],
      ['GET', /^\/clusters\/([^/]+)\/node-groups$/, 'ListNodegroups', ['name']],
      ['GET', /^\/clusters\/([^/]+)\/node-groups\/([^/]+)$/, 'DescribeNodegroup', ['name', 'nodegroupName']],
      ['GET', /^\/cluster-versions$/, 'DescribeClusterVersions', []],
      ['GET', /^\/clusters\/([^/]+)\/addons$/, 'ListAddons', ['clusterName']],
      ['GET', /^\/clusters\/([^/]+)\/addons\/([^/]+)$/, 'DescribeAddon', ['clusterName', 'addonName']],
      ['GET', /^\/clusters\/([^/]+)\/fargate-profiles$/, 'ListFargateProfiles', ['clusterName']],
      [
        'GET',
        /^\/clusters\/([^/]+)\/fargate-profiles\/([^/]+)$/,
        'DescribeFargateProfile',
        ['clusterName', 'fargateProfileName'],
      ],
      ['GET', /^\/addons\/supported-versions$/, 'DescribeAddonVersions', []],
    ],
  };
  for (const [verb, pattern, operation, names] of routes[service] ?? []) {
    const match = verb === method ? pattern.exec(path) : null;
    if (match) {
      return {
        operation,
        params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? '')])),
      };
    }
  }
  return { operation: `Unknown${method}`, params: { path } };
}

function parseRequest(req: IncomingMessage, body: Buffer): ParsedRequest | undefined {
  const scope = credentialScope(req.headers.authorization);
  if (!scope) return undefined;
  const url = new URL(req.url ?? '/', 'http://proxy');
  const target = req.headers['x-amz-target'];
  const contentType = String(req.headers['content-type'] ?? '');
  const base = { region: scope.region, accessKeyId: scope.accessKeyId, path: url.pathname };
  if (typeof target === 'string') {
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      // not JSON: no parameters to read
    }
    return {
      ...base,
      protocol: 'json',
      service: scope.service,
      operation: target.split('.').pop() ?? target,
      params,
    };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    return {
      ...base,
      protocol: 'query',
      service: scope.service,
      operation: form.Action ?? 'Unknown',
      params: form,
    };
  }
  if (scope.service === 's3') {
    const { service, operation, params } = s3Operation(req.method ?? 'GET', url);
    return { ...base, protocol: 'rest', service, operation, params };
  }
  const { operation, params } = restOperation(scope.service, req.method ?? 'GET', url.pathname);
  return { ...base, protocol: 'rest', service: scope.service, operation, params };
}

/** The IAM action of a call: the project's mapping, and the services only the hub calls. */
function actionOf(service: string, operation: string): string {
  if (service === 'lambda') return `lambda:${operation === 'Invoke' ? 'InvokeFunction' : operation}`;
  if (service === 'scheduler' || service === 'cloudformation' || service === 'iam' || service === 'logs') {
    return `${service}:${operation}`;
  }
  try {
    return iamActionFor(`${service}:${operation}`);
  } catch {
    return `${service}:${operation}`;
  }
}

/** The ARN of the resource a hub call names (account and region of the caller). */
function resourceOf(
  call: ParsedRequest,
  accountId: string,
  streamOfIterator: Map<string, string>,
): string | undefined {
  const { service, operation, params, region } = call;
  const text = (name: string) => (typeof params[name] === 'string' ? (params[name] as string) : undefined);
  switch (service) {
    case 'dynamodb': {
      if (text('StreamArn')) return text('StreamArn');
      if (text('ShardIterator')) return streamOfIterator.get(text('ShardIterator')!);
      if (operation === 'ListStreams' && !text('TableName')) return '*';
      const table = text('TableName');
      if (!table) return undefined;
      const tableArn = table.startsWith('arn:')
        ? table
        : `arn:aws:dynamodb:${region}:${accountId}:table/${table}`;
      return text('IndexName') ? `${tableArn}/index/${text('IndexName')}` : tableArn;
    }
    case 's3': {
      const bucket = text('Bucket');
      if (!bucket) return '*';
      return text('Key') ? `arn:aws:s3:::${bucket}/${text('Key')}` : `arn:aws:s3:::${bucket}`;
    }
    case 's3control':
      return '*';
    case 'sns':
      return text('TopicArn') ?? text('TargetArn') ?? '*';
    case 'sqs': {
      const url = text('QueueUrl');
      if (!url) return '*';
      const [, queueAccount, queueName] = /\/(\d{12})\/([^/?]+)$/.exec(url) ?? [];
      return queueName ? `arn:aws:sqs:${region}:${queueAccount}:${queueName}` : undefined;
    }
    case 'ssm': {
      const name = text('Name');
      if (!name) return '*';
      return `arn:aws:ssm:${region}:${accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
    }
    case 'sts':
      return operation === 'AssumeRole' ? text('RoleArn') : '*';
    case 'states':
      return text('stateMachineArn') ?? text('executionArn') ?? text('mapRunArn') ?? '*';
    case 'lambda': {
      const name = text('FunctionName');
      if (!name) return '*';
      return name.startsWith('arn:') ? name : `arn:aws:lambda:${region}:${accountId}:function:${name}`;
    }
    case 'kms':
      return text('KeyId') ?? '*';
    default:
      // The member-account inventory calls: the member role grants them on every resource.
      return '*';
  }
}

/** The service's answer when it is unavailable (HTTP 503), in the call's protocol. */
export function serviceUnavailable(call: RecordedCall): FaultAnswer {
  const message = `${call.action} is unavailable (injected by the rehearsal)`;
  if (call.protocol === 'json') {
    return {
      status: 503,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'ServiceUnavailable' },
      body: JSON.stringify({ __type: 'ServiceUnavailable', message }),
    };
  }
  const error = `<Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>${message}</Message></Error>`;
  return {
    status: 503,
    headers: { 'content-type': 'text/xml' },
    body:
      call.protocol === 'query'
        ? `<ErrorResponse>${error}<RequestId>rehearsal</RequestId></ErrorResponse>`
        : error,
  };
}

/** What the STS answer says about new credentials (query XML or JSON). */
function assumedKey(responseBody: string): string | undefined {
  return (
    /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(responseBody)?.[1] ??
    /"AccessKeyId"\s*:\s*"([^"]+)"/.exec(responseBody)?.[1]
  );
}

export async function startRecordingProxy(upstream: string, port = 0): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const recorded: RecordedCall[] = [];
  const principals = new Map<string, Principal>();
  const streamOfIterator = new Map<string, string>();
  let fault: ((call: RecordedCall) => FaultAnswer | undefined) | undefined;
  const sockets = new Set<Socket>();

  function learn(parsed: ParsedRequest, responseBody: string): void {
    if (parsed.operation === 'AssumeRole') {
      const key = assumedKey(responseBody);
      const roleArn = typeof parsed.params.RoleArn === 'string' ? parsed.params.RoleArn : undefined;
      if (key && roleArn) {
        principals.set(key, { arn: roleArn, accountId: roleArn.split(':')[4] ?? '', tags: {} });
      }
    }
    if (parsed.service === 'dynamodb' && /ShardIterator|GetRecords/.test(parsed.operation)) {
      try {
        const answer = JSON.parse(responseBody) as { ShardIterator?: string; NextShardIterator?: string };
        const stream =
          typeof parsed.params.StreamArn === 'string'
            ? parsed.params.StreamArn
            : streamOfIterator.get(String(parsed.params.ShardIterator));
        const next = answer.ShardIterator ?? answer.NextShardIterator;
        if (stream && next) streamOfIterator.set(next, stream);
      } catch {
        // an error answer: nothing to learn
      }
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const parsed = parseRequest(req, body);
      const principal = parsed ? principals.get(parsed.accessKeyId) : undefined;
      const call: RecordedCall | undefined = parsed
        ? {
            service: parsed.service,
            region: parsed.region,
            accessKeyId: parsed.accessKeyId,
            ...(principal ? { principal } : {}),
            operation: parsed.operation,
            action: actionOf(parsed.service, parsed.operation),
            path: parsed.path,
            protocol: parsed.protocol,
            status: 0,
          }
        : undefined;
      if (call && parsed) {
        const resource = resourceOf(parsed, principal?.accountId ?? '123456789012', streamOfIterator);
        if (resource) call.resource = resource;
        recorded.push(call);
      }
      const answer = call && fault?.(call);
      if (answer && call) {
        call.status = answer.status;
        res.writeHead(answer.status, {
          ...answer.headers,
          'content-length': String(Buffer.byteLength(answer.body)),
        });
        res.end(answer.body);
        return;
      }
      const upstreamRequest = request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (upstreamResponse) => {
          void readBody(upstreamResponse).then((responseBody) => {
            if (call) call.status = upstreamResponse.statusCode ?? 0;
            if (parsed) learn(parsed, responseBody.toString('utf8'));
            res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
            res.end(responseBody);
          });
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
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    calls: () => [...recorded],
    name(accessKeyId, principal) {
      principals.set(accessKeyId, { tags: {}, ...principal });
    },
    tag(accessKeyId, tags) {
      const principal = principals.get(accessKeyId);
      if (principal) principal.tags = { ...principal.tags, ...tags };
    },
    setFault(rule) {
      fault = rule;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
