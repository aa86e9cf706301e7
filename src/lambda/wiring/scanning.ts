/**
 * What the functions that scan share (plan, scan-target, scan): a scan session per run (credentials
 * for each member account, with the external id from its SSM parameter; every client traced), the
 * findings store, and the deployed configuration with its bounded cache.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SdkClient } from '../../aws/clients.ts';
import { ScanSession } from '../../aws/session.ts';
import {
  CONFIG_OBJECT_KEY,
  type ConfigObjectStore,
  DeployedConfig,
  type LoadedConfig,
  NO_CONFIG_VERSION,
  S3ConfigObjectStore,
} from '../../config/deployed-config.ts';
import type { LambdaEnvironment } from '../../config/environment.ts';
import type { FindingStore } from '../../findings/store.ts';
import { sessionSettings } from '../../scan/run-settings.ts';
import { cachedExternalId } from '../external-id.ts';
import { tracer } from '../logger.ts';
import { homeClientConfig, homeRegion, once } from './common.ts';
import { findingStoreOf } from './findings-store.ts';

export interface ScanningDependencies {
  readonly env: LambdaEnvironment;
  /** The home region: STS, Organizations and the table live there. */
  region(): string;
  /**
   * A scan session for one run (the caller's identity, credentials per account, API call counts),
   * with the external id from `EXTERNAL_ID_PARAMETER` when one is named. Every client it makes,
   * member accounts' included, is traced.
   */
  openSession(runId: string): Promise<ScanSession>;
  store(): FindingStore;
  /**
   * The deployed configuration (`CONFIG_BUCKET`): the current one, or the version a run started
   * with. Without `CONFIG_BUCKET`, the defaults (version `none`).
   */
  scanConfig(knownRuleIds: ReadonlySet<string>, version?: string): Promise<LoadedConfig>;
  now(): Date;
}

/** Every client of a member account goes through the tracer, as the functions' own clients do. */
const traced = (client: SdkClient) => {
  tracer.captureAWSv3Client(client);
};

export function createScanningDependencies(env: LambdaEnvironment): ScanningDependencies {
  const region = homeRegion(env);
  const ssm = once(() => tracer.captureAWSv3Client(new SSMClient(homeClientConfig(env))));
  const externalIdParameter = env.externalIdParameter;
  const externalId = once(() =>
    externalIdParameter ? cachedExternalId(ssm(), externalIdParameter) : undefined,
  );
  const configStore = once((): ConfigObjectStore | undefined => {
    if (!env.configBucket) return undefined;
    const s3 = tracer.captureAWSv3Client(new S3Client(homeClientConfig(env)));
    return new S3ConfigObjectStore(s3, env.configBucket, env.configKey ?? CONFIG_OBJECT_KEY);
  });
  let deployed: DeployedConfig | undefined;

  return {
    env,
    region,
    openSession: async (runId) => {
      const fromParameter = await externalId()?.get();
      return ScanSession.create(
        sessionSettings({
          homeRegion: region(),
          ...(env.endpoint ? { endpoint: env.endpoint } : {}),
          targets: fromParameter ? { ...env.targets, externalId: fromParameter } : env.targets,
          performance: env.performance,
          runId,
          onClient: traced,
        }),
      );
    },
    store: findingStoreOf(env),
    scanConfig: async (knownRuleIds, version) => {
      const store = configStore();
      if (!store) {
        return { config: {}, version: NO_CONFIG_VERSION, source: 'defaults', ignoredSections: [] };
      }
      deployed ??= new DeployedConfig(store, knownRuleIds);
      return deployed.load(version);
    },
    now: () => new Date(),
  };
}
