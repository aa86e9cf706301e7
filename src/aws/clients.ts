/**
 * Client factory: one SDK client per account × region × service, created on first use and reused
 * for the whole scan, so the SDK's adaptive retry learns each account's and region's throttling.
 */
import type { MiddlewareStack } from '@smithy/types';
import type { ApiCallCounter } from './api-calls.ts';
import { type AwsClientSettings, type CredentialSource, clientConfig } from './client-config.ts';

export {
  type AwsClientSettings,
  type CredentialSource,
  clientConfig,
  defaultAwsClientSettings,
} from './client-config.ts';

/** The shape of every SDK v3 client constructor that estatescan uses. */
// Every SDK client types its stack, commands and config with its own service's shapes; this is the
// part they all share, so the shapes are left open here and each caller keeps the client's own type.
export interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: each client's own input and output types
  middlewareStack: MiddlewareStack<any, any>;
  config: { serviceId?: string };
  // biome-ignore lint/suspicious/noExplicitAny: each client's own commands and results
  send(command: any, options?: any): Promise<any>;
  destroy(): void;
}
// biome-ignore lint/suspicious/noExplicitAny: each client's own configuration type
export type SdkClientConstructor<C extends SdkClient> = new (config: any) => C;

/** Short service names used in API call keys and IAM actions (`ec2:DescribeInstances`). */
const iamPrefixByServiceId: Record<string, string> = {
  EC2: 'ec2',
  ECS: 'ecs',
  EKS: 'eks',
  ECR: 'ecr',
  'ECR PUBLIC': 'ecr-public',
  S3: 's3',
  'S3 Control': 's3control',
  SSM: 'ssm',
  STS: 'sts',
  Organizations: 'organizations',
  DynamoDB: 'dynamodb',
  SNS: 'sns',
  SQS: 'sqs',
};

export function iamPrefix(serviceId: string | undefined): string {
  return (
    (serviceId && iamPrefixByServiceId[serviceId]) ??
    (serviceId ?? 'unknown').toLowerCase().replace(/\s+/g, '-')
  );
}

/**
 * Called with every client an `AccountClients` makes, after the call counter is added: the
 * functions pass the tracer's `captureAWSv3Client`, so calls into member accounts are traced too.
 */
export type ClientHook = (client: SdkClient) => void;

/** The clients of one account. `credentials` undefined means the default credential chain. */
export class AccountClients {
  readonly #clients = new Map<SdkClientConstructor<SdkClient>, Map<string, SdkClient>>();

  constructor(
    readonly accountId: string,
    private readonly credentials: CredentialSource,
    private readonly settings: AwsClientSettings,
    private readonly counter?: ApiCallCounter,
    private readonly onClient?: ClientHook,
  ) {}

  get<C extends SdkClient>(Client: SdkClientConstructor<C>, region: string): C {
    let byRegion = this.#clients.get(Client);
    if (!byRegion) {
      byRegion = new Map();
      this.#clients.set(Client, byRegion);
    }
    let client = byRegion.get(region) as C | undefined;
    if (!client) {
      client = new Client(clientConfig(region, this.credentials, this.settings));
      const endpoint = this.settings.endpoint;
      // S3 Control's endpoint rules put the account id in the host name (`<account>.s3-control…`),
      // which no single-host emulator answers; send it to the endpoint as given. Told apart by its
      // service id, not its class, so that a bundle that never uses S3 Control does not carry it.
      if (endpoint && client.config.serviceId === 'S3 Control') {
        (client.config as { endpointProvider?: unknown }).endpointProvider = () => ({
          url: new URL(endpoint),
        });
      }
      this.counter?.instrument(client, iamPrefix(client.config.serviceId));
      this.onClient?.(client);
      byRegion.set(region, client);
    }
    return client;
  }

  destroy(): void {
    for (const byRegion of this.#clients.values()) for (const client of byRegion.values()) client.destroy();
    this.#clients.clear();
  }
}
