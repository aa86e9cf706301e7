/**
 * The demo's on-premises half. moto cannot emulate SSM managed instances (hybrid activations, ECS
 * Anywhere hosts, EKS hybrid nodes) nor ECR Public, so the demo puts this small loopback proxy in
 * front of it: it answers `ssm:DescribeInstanceInformation` and `ecr-public:DescribeRepositories`
 * with the demo estate's machines, adds the ECS Anywhere hosts to moto's `ListContainerInstances`
 * and `DescribeContainerInstances` answers (moto only registers EC2 instances), all in the shapes of
 * the AWS API reference, and forwards every other request to moto unchanged. moto has no EKS add-ons
 * and no Outposts either: the stand-in answers `ListAddons`, `DescribeAddon`, `DescribeAddonVersions`,
 * `ListOutposts`, `ListSites` and `ListAssets` from the demo's data too (an empty list for an account
 * or cluster that has none, as AWS answers). It is demo scaffolding, never used by tests of those
 * collectors.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One `InstanceInformation` entry, as `DescribeInstanceInformation` returns it. */
export interface InstanceInformation {
  InstanceId: string;
  PingStatus: 'Online' | 'ConnectionLost' | 'Inactive';
  LastPingDateTime: number;
  AgentVersion: string;
  IsLatestVersion: boolean;
  PlatformType: 'Linux' | 'Windows' | 'MacOS';
  PlatformName: string;
  PlatformVersion: string;
  ActivationId?: string;
  IamRole?: string;
  RegistrationDate?: number;
  ResourceType: 'ManagedInstance' | 'EC2Instance';
  Name?: string;
  IPAddress?: string;
  ComputerName?: string;
}

export interface PublicRepository {
  repositoryArn: string;
  registryId: string;
  repositoryName: string;
  repositoryUri: string;
  createdAt: number;
}

/** A container instance as `DescribeContainerInstances` returns it (the fields the demo uses). */
export interface ExternalContainerInstance {
  containerInstanceArn: string;
  ec2InstanceId: string;
  [field: string]: unknown;
}

/** What the stand-in knows of EKS add-ons and Outposts, in the API reference's shapes. */
export interface EdgeData {
  /** account → region → cluster → add-ons, as `DescribeAddon` returns them. */
  addons: Record<string, Record<string, Record<string, { addonName: string; [field: string]: unknown }[]>>>;
  /** add-on name → its `AddonInfo`, as `DescribeAddonVersions` lists it. */
  addonVersions: Record<string, unknown>;
  /** account → region → Outposts (`ListOutposts`), sites (`ListSites`) and assets by Outpost id (`ListAssets`). */
  outposts: Record<
    string,
    Record<string, { outposts: unknown[]; sites: unknown[]; assets: Record<string, unknown[]> }>
  >;
}

export interface HybridData {
  /** account → region → managed instances */
  managedInstances: Record<string, Record<string, InstanceInformation[]>>;
  /** EKS add-ons and Outposts, which moto lacks. */
  edge?: EdgeData;
  /** account → region → cluster name → ECS Anywhere container instances */
  externalContainerInstances: Record<string, Record<string, Record<string, ExternalContainerInstance[]>>>;
  /** account → ECR Public repositories (us-east-1 only) */
  publicRepositories: Record<string, PublicRepository[]>;
}

export interface RunningStandIn {
  endpoint: string;
  stop(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `Credential=<key>/<date>/<region>/<service>/aws4_request` from a SigV4 Authorization header. */
function credentialScope(
  request: IncomingMessage,
): { accessKeyId: string; region: string; service: string } | undefined {
  const match = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(request.headers.authorization ?? '');
  return match
    ? { accessKeyId: match[1] as string, region: match[2] as string, service: match[3] as string }
    : undefined;
}

/**
 * The answer to an EKS add-on or Outposts read (REST paths of the API reference), or undefined for
 * any other request.
 */
function edgeAnswer(
  edge: EdgeData | undefined,
  scope: { region: string; service: string },
  accountId: string,
  method: string,
  url: URL,
): unknown {
  if (!edge || method !== 'GET') return undefined;
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (scope.service === 'eks') {
    const clusters = edge.addons[accountId]?.[scope.region] ?? {};
    if (parts[0] === 'addons' && parts[1] === 'supported-versions') {
      const info = edge.addonVersions[url.searchParams.get('addonName') ?? ''];
      return { addons: info ? [info] : [] };
    }
    if (parts[0] === 'clusters' && parts[2] === 'addons' && parts.length === 3) {
      return { addons: (clusters[parts[1] ?? ''] ?? []).map((a) => a.addonName) };
    }
    if (parts[0] === 'clusters' && parts[2] === 'addons' && parts.length === 4) {
      const addon = (clusters[parts[1] ?? ''] ?? []).find((a) => a.addonName === parts[3]);
      return addon ? { addon: { clusterName: parts[1], ...addon } } : undefined;
    }
    return undefined;
  }
  if (scope.service === 'outposts') {
    const here = edge.outposts[accountId]?.[scope.region];
    if (parts.length === 1 && parts[0] === 'outposts') return { Outposts: here?.outposts ?? [] };
    if (parts.length === 1 && parts[0] === 'sites') return { Sites: here?.sites ?? [] };
    if (parts.length === 3 && parts[0] === 'outposts' && parts[2] === 'assets') {
      return { Assets: here?.assets[parts[1] ?? ''] ?? [] };
    }
  }
  return undefined;
}

function json(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

async function forward(motoEndpoint: string, request: IncomingMessage, body: Buffer) {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined && !['host', 'connection', 'content-length'].includes(key)) {
      headers[key] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  const upstream = await fetch(`${motoEndpoint}${request.url ?? '/'}`, {
    method: request.method ?? 'GET',
    headers,
    ...(body.length ? { body: new Uint8Array(body) } : {}),
  });
  const responseHeaders: Record<string, string> = {};
  upstream.headers.forEach((value, key) => {
    if (!['content-encoding', 'transfer-encoding', 'connection', 'content-length'].includes(key)) {
      responseHeaders[key] = value;
    }
  });
  return {
    status: upstream.status,
    headers: responseHeaders,
    body: Buffer.from(await upstream.arrayBuffer()),
  };
}

export async function startHybridStandIn(
  motoEndpoint: string,
  data: HybridData,
  hub: { accessKeyId: string; accountId: string },
): Promise<RunningStandIn> {
  // moto gives every AssumeRole its own keys; learn which account each key belongs to.
  const accountByKey = new Map<string, string>([[hub.accessKeyId, hub.accountId]]);

  const server = createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      const target = request.headers['x-amz-target'];
      const scope = credentialScope(request);
      const accountId = scope ? accountByKey.get(scope.accessKeyId) : undefined;
      if (target === 'AmazonSSM.DescribeInstanceInformation' && scope && accountId) {
        json(response, { InstanceInformationList: data.managedInstances[accountId]?.[scope.region] ?? [] });
        return;
      }
      const edge =
        scope && accountId
          ? edgeAnswer(
              data.edge,
              scope,
              accountId,
              request.method ?? 'GET',
              new URL(request.url ?? '/', 'http://x'),
            )
          : undefined;
      if (edge !== undefined) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(edge));
        return;
      }
      if (target === 'SpencerFrontendService.DescribeRepositories' && accountId) {
        json(response, { repositories: data.publicRepositories[accountId] ?? [] });
        return;
      }
      const ecsOperation =
        /^AmazonEC2ContainerServiceV20141113\.(ListContainerInstances|DescribeContainerInstances)$/.exec(
          String(target ?? ''),
        )?.[1];
      const external =
        ecsOperation && scope && accountId
          ? (data.externalContainerInstances[accountId]?.[scope.region]?.[
              String((JSON.parse(body.toString() || '{}') as { cluster?: string }).cluster ?? 'default')
                .split('/')
                .pop() ?? ''
            ] ?? [])
          : [];
      if (ecsOperation === 'DescribeContainerInstances' && external.length) {
        // Answer the external hosts here and ask moto only for the rest (if any).
        const input = JSON.parse(body.toString()) as {
          cluster?: string;
          containerInstances?: string[];
          include?: string[];
        };
        const ours = external.filter((c) => input.containerInstances?.includes(c.containerInstanceArn));
        const rest = (input.containerInstances ?? []).filter(
          (arn) => !ours.some((c) => c.containerInstanceArn === arn),
        );
        let containerInstances: unknown[] = ours;
        if (rest.length) {
          const upstream = await forward(
            motoEndpoint,
            request,
            Buffer.from(JSON.stringify({ ...input, containerInstances: rest })),
          );
          containerInstances = [
            ...((JSON.parse(upstream.body.toString()) as { containerInstances?: unknown[] })
              .containerInstances ?? []),
            ...ours,
          ];
        }
        json(response, { containerInstances, failures: [] });
        return;
      }
      const upstream = await forward(motoEndpoint, request, body);
      let text = upstream.body;
      if (ecsOperation === 'ListContainerInstances' && external.length && upstream.status === 200) {
        const listed = JSON.parse(text.toString()) as { containerInstanceArns?: string[] };
        listed.containerInstanceArns = [
          ...(listed.containerInstanceArns ?? []),
          ...external.map((c) => c.containerInstanceArn),
        ];
        text = Buffer.from(JSON.stringify(listed));
      }
      const roleArn = /RoleArn=([^&]+)/.exec(body.toString())?.[1];
      if (roleArn && /Action=AssumeRole/.test(body.toString())) {
        const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(text.toString())?.[1];
        const account = /::(\d{12}):/.exec(decodeURIComponent(roleArn))?.[1];
        if (key && account) accountByKey.set(key, account);
      }
      response.writeHead(upstream.status, upstream.headers);
      response.end(text);
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`hybrid stand-in: ${(error as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
