import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { parseConfig } from '../../../src/config/config-file.ts';
import {
  type ConfigObject,
  type ConfigObjectStore,
  ConfigReadError,
  DeployedConfig,
  S3ConfigObjectStore,
} from '../../../src/config/deployed-config.ts';
import { ConfigurationError } from '../../../src/config/errors.ts';
import { UsageError } from '../../../src/errors.ts';

const ruleIds = new Set(allRules.map((r) => r.id));
const LOCATION = 's3://estatescan-ci-configbucket/estatescan.config.yml';

const valid = `rules:
  severity:
    s3-bucket-versioning-disabled: high
suppressions:
  - rule: ec2-security-group-open-ingress
    resource: sg-0123
    reason: the bastion, reviewed
    owner: platform
    expires: 2027-01-31
`;
const invalid = `rules:
  severity:
    s3-bucket-versioning-disabled: urgent
    not-a-rule: low
settings:
  warningDays: -1
`;

/** A versioned object store in memory: every put is a version; it counts the reads it answers. */
class MemoryConfigStore implements ConfigObjectStore {
  readonly location = LOCATION;
  readonly versions: ConfigObject[] = [];
  readonly reads: Array<{ versionId?: string; ifNoneMatch?: string }> = [];
  failure?: Error;

  async get(options: { versionId?: string; ifNoneMatch?: string } = {}) {
    this.reads.push(options);
    if (this.failure) throw this.failure;
    const object = options.versionId
      ? this.versions.find((v) => v.versionId === options.versionId)
      : this.versions.at(-1);
    if (!object) return undefined;
    if (!options.versionId && options.ifNoneMatch === object.etag) return 'not-modified' as const;
    return object;
  }

  async put(text: string) {
    const versionId = `v${this.versions.length + 1}`;
    this.versions.push({ text, versionId, etag: `"etag-${versionId}"` });
    return { versionId };
  }
}

describe('DeployedConfig: the deployed configuration, with a bounded cache', () => {
  it('answers the defaults, version "none", when nothing was pushed', async () => {
    // Prepare
    const deployed = new DeployedConfig(new MemoryConfigStore(), ruleIds);

    // Act
    const loaded = await deployed.load();

    // Assess
    expect(loaded).toEqual({ config: {}, version: 'none', source: 'defaults', ignoredSections: [] });
  });

  it('reads the current file, then re-reads it only conditionally (by ETag), so a push takes effect at the next run', async () => {
    // Prepare
    const store = new MemoryConfigStore();
    await store.put(valid);
    const deployed = new DeployedConfig(store, ruleIds);

    // Act
    const first = await deployed.load();
    const again = await deployed.load();
    await store.put(valid.replace('high', 'critical'));
    const afterPush = await deployed.load();

    // Assess
    expect(first).toMatchObject({ version: 'v1', source: LOCATION });
    expect(first.config.rules?.severity).toEqual({ 's3-bucket-versioning-disabled': 'high' });
    expect(again).toBe(first);
    expect(store.reads).toEqual([{}, { ifNoneMatch: '"etag-v1"' }, { ifNoneMatch: '"etag-v1"' }]);
    expect(afterPush.version).toBe('v2');
    expect(afterPush.config.rules?.severity).toEqual({ 's3-bucket-versioning-disabled': 'critical' });
  });

  it('reads the version a run started with, even after a push, and parses a version once', async () => {
    // Prepare: the run's plan read v1; then v2 was pushed
    const store = new MemoryConfigStore();
    await store.put(valid);
    await store.put(valid.replace('high', 'low'));
    const deployed = new DeployedConfig(store, ruleIds);

    // Act
    const first = await deployed.load('v1');
    const second = await deployed.load('v1');

    // Assess
    expect(first.config.rules?.severity).toEqual({ 's3-bucket-versioning-disabled': 'high' });
    expect(second).toBe(first);
    expect(store.reads).toEqual([{ versionId: 'v1' }]);
  });

  it('keeps at most a few versions parsed', async () => {
    // Prepare
    const store = new MemoryConfigStore();
    for (let i = 0; i < 6; i++) await store.put(valid);
    const deployed = new DeployedConfig(store, ruleIds);

    // Act: v1…v6, then v1 again (evicted) and v6 (kept)
    for (let i = 1; i <= 6; i++) await deployed.load(`v${i}`);
    await deployed.load('v1');
    await deployed.load('v6');

    // Assess
    expect(store.reads.map((r) => r.versionId)).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v1']);
  });

  it('answers the defaults for the version "none" without reading anything', async () => {
    // Prepare
    const store = new MemoryConfigStore();
    await store.put(valid);

    // Act
    const loaded = await new DeployedConfig(store, ruleIds).load('none');

    // Assess
    expect(loaded.config).toEqual({});
    expect(store.reads).toEqual([]);
  });

  it('fails loudly on an invalid file, with the problems the CLI gives for it, and never caches the failure', async () => {
    // Prepare
    const store = new MemoryConfigStore();
    await store.put(invalid);
    const deployed = new DeployedConfig(store, ruleIds);
    const cli = (() => {
      try {
        parseConfig(invalid, LOCATION, ruleIds);
      } catch (error) {
        return error as UsageError;
      }
      throw new Error('the CLI accepted it');
    })();

    // Act
    const error = await deployed.load().catch((e: unknown) => e);
    const again = await deployed.load().catch((e: unknown) => e);

    // Assess
    expect(cli).toBeInstanceOf(UsageError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual(cli.problems);
    expect((error as ConfigurationError).problems.join('\n')).toMatch(
      /s3-bucket-versioning-disabled: Invalid option[\s\S]*warningDays/,
    );
    expect((error as Error).message).toMatch(
      /is invalid, so nothing was scanned[\s\S]*estatescan config push/,
    );
    expect(again).toBeInstanceOf(ConfigurationError);
    expect(store.reads).toHaveLength(2);
  });

  it('says which sections the functions ignore (they are deployment parameters)', async () => {
    // Prepare
    const store = new MemoryConfigStore();
    await store.put(`targets:\n  regions: [eu-west-1]\nperformance:\n  targetConcurrency: 4\n${valid}`);

    // Act
    const loaded = await new DeployedConfig(store, ruleIds).load();

    // Assess
    expect(loaded.ignoredSections).toEqual(['targets', 'performance']);
  });

  it('turns a denied read into a ConfigurationError (no retry helps), and lets a passing fault through', async () => {
    // Prepare
    const store = new MemoryConfigStore();
    const deployed = new DeployedConfig(store, ruleIds);
    const denied = new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {} });
    const throttled = new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: {} });

    // Act
    store.failure = new ConfigReadError(LOCATION, 'AccessDenied', { cause: denied });
    const deniedError = await deployed.load().catch((e: unknown) => e);
    store.failure = new ConfigReadError(LOCATION, 'SlowDown', { cause: throttled });
    const passing = await deployed.load().catch((e: unknown) => e);

    // Assess
    expect(deniedError).toBeInstanceOf(ConfigurationError);
    expect((deniedError as Error).message).toMatch(
      /AccessDenied[\s\S]*CONFIG_BUCKET[\s\S]*s3:GetObjectVersion/,
    );
    expect(passing).toBeInstanceOf(ConfigReadError);
    expect(passing).not.toBeInstanceOf(ConfigurationError);
  });

  it('fails a run whose version is gone, rather than scan with another one', async () => {
    // Act
    const error = await new DeployedConfig(new MemoryConfigStore(), ruleIds)
      .load('v9')
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/version v9 this run started with is gone/);
  });
});

describe('S3ConfigObjectStore (aws-sdk-client-mock: S3 answers as documented)', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());
  // The part of a GetObject body the store reads.
  const body = (text: string) =>
    ({ transformToString: async () => text }) as unknown as GetObjectCommandOutput['Body'];
  const store = () =>
    new S3ConfigObjectStore(new S3Client({ region: 'eu-west-1' }), 'estatescan-ci-configbucket');

  it('reads the object with its version and ETag, conditionally when given one', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({ Body: body(valid), VersionId: 'abc', ETag: '"e1"' });

    // Act
    const object = await store().get({ ifNoneMatch: '"e0"' });

    // Assess
    expect(object).toEqual({ text: valid, versionId: 'abc', etag: '"e1"' });
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'estatescan-ci-configbucket',
      Key: 'estatescan.config.yml',
      IfNoneMatch: '"e0"',
    });
  });

  it('answers not-modified to a 304, nothing to NoSuchKey, and no version for an unversioned object', async () => {
    // Prepare
    const notModified = new S3ServiceException({
      name: 'NotModified',
      $fault: 'client',
      $metadata: { httpStatusCode: 304 },
    });

    s3.on(GetObjectCommand)
      .rejectsOnce(notModified)
      .rejectsOnce(new NoSuchKey({ message: 'no such key', $metadata: {} }))
      .resolvesOnce({ Body: body('{}'), VersionId: 'null', ETag: '"e2"' });

    // Act
    const a = await store().get({ ifNoneMatch: '"e1"' });
    const b = await store().get();
    const c = await store().get();

    // Assess
    expect(a).toBe('not-modified');
    expect(b).toBeUndefined();
    expect(c).toEqual({ text: '{}', etag: '"e2"' });
  });

  it('reports a missing bucket as a misconfiguration, not as nothing pushed', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({ name: 'NoSuchBucket', $fault: 'client', $metadata: { httpStatusCode: 404 } }),
    );

    // Act
    const error = (await store()
      .get()
      .catch((e: unknown) => e)) as ConfigReadError;

    // Assess
    expect(error).toBeInstanceOf(ConfigReadError);
    expect(error).toMatchObject({ code: 'NoSuchBucket', misconfigured: true });
  });

  it('reports a failed read with its code, misconfigured when denied', async () => {
    // Prepare
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {} }),
    );

    // Act
    const error = (await store()
      .get()
      .catch((e: unknown) => e)) as ConfigReadError;

    // Assess
    expect(error).toBeInstanceOf(ConfigReadError);
    expect(error).toMatchObject({ code: 'AccessDenied', misconfigured: true, location: LOCATION });
  });

  it('uploads the text as a new version', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({ VersionId: 'v2' });

    // Act
    const put = await store().put(valid);

    // Assess
    expect(put).toEqual({ versionId: 'v2' });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'estatescan-ci-configbucket',
      Key: 'estatescan.config.yml',
      Body: valid,
    });
  });
});
