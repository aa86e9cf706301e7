/**
 * The deployed configuration: the same `estatescan.config.yml` the CLI reads with `--config` (rules,
 * severities, rule settings, suppressions), kept as one object in the stack's private, versioned
 * configuration bucket (`CONFIG_BUCKET`, key `estatescan.config.yml`), so it changes without a
 * redeploy: `estatescan config push --stage <stage>` validates a file, then uploads it.
 *
 * How the functions read it:
 * - `plan` (and the on-demand `scan`) read the current object on every run, conditionally (by its
 *   ETag): an unchanged file costs one small request and is not parsed again.
 * - `plan` hands the object's version id to every `scan-target` of the run, which reads that very
 *   version: a run evaluates one configuration throughout, even when a push lands mid-run. A
 *   version never changes, so it is cached (the last few) for the container's life.
 * - An invalid file fails the run with a `ConfigurationError` listing every problem, in the CLI's
 *   words; it is never replaced by the defaults. No object at all is not an error: the defaults.
 *
 * The targets and performance sections are the deployment's parameters (serverless.yml): the
 * functions ignore them (and say so), as `LoadedConfig.ignoredSections` reports.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { errorCode, isAccessDeniedError } from '../aws/errors.ts';
import { EstatescanError, UsageError } from '../errors.ts';
import { type ConfigFile, parseConfig } from './config-file.ts';
import { ConfigurationError } from './errors.ts';

/** The configuration object's key in the bucket. */
export const CONFIG_OBJECT_KEY = 'estatescan.config.yml';

/** The version a run records when nothing was pushed: it scans with the defaults. */
export const NO_CONFIG_VERSION = 'none';
/** The version a run records when the store keeps no versions (an unversioned bucket): read the current object. */
export const LATEST_CONFIG_VERSION = 'latest';

/** Sections of the file the functions do not take from it (they are deployment parameters). */
const deploymentSections = ['targets', 'performance'] as const;

export interface ConfigObject {
  text: string;
  /** The object's version (an S3 version id), when the store keeps versions. */
  versionId?: string;
  etag?: string;
}

/** Where the deployed configuration object lives (`S3ConfigObjectStore`; tests use memory). */
export interface ConfigObjectStore {
  /** `s3://<bucket>/<key>`, for messages. */
  readonly location: string;
  /**
   * The object, or the given version of it. `undefined` when nothing was pushed (or that version
   * is gone); `'not-modified'` when the current object still has the ETag `ifNoneMatch` names.
   */
  get(options?: {
    versionId?: string;
    ifNoneMatch?: string;
  }): Promise<ConfigObject | 'not-modified' | undefined>;
  /** Uploads a new current version. */
  put(text: string): Promise<{ versionId?: string }>;
}

/**
 * The configuration object could not be read. `misconfigured`: a denied read or a missing bucket,
 * which fails the same way again (the functions' role, `CONFIG_BUCKET`); otherwise a passing fault
 * (throttling, a 5xx, a reset) worth a retry.
 */
export class ConfigReadError extends EstatescanError {
  override name = 'ConfigReadError';
  readonly misconfigured: boolean;
  constructor(
    readonly location: string,
    readonly code: string,
    options: { cause?: unknown } = {},
  ) {
    super(`Could not read the deployed configuration ${location} (${code}).`, options);
    this.misconfigured = isAccessDeniedError(options.cause) || code === 'NoSuchBucket';
  }
}

export class S3ConfigObjectStore implements ConfigObjectStore {
  readonly location: string;

  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    readonly bucket: string,
    readonly key: string = CONFIG_OBJECT_KEY,
  ) {
    this.location = `s3://${bucket}/${key}`;
  }

  async get(options: { versionId?: string; ifNoneMatch?: string } = {}) {
    try {
      const output = await this.s3.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          ...(options.versionId ? { VersionId: options.versionId } : {}),
          ...(options.ifNoneMatch ? { IfNoneMatch: options.ifNoneMatch } : {}),
        }),
      );
      const text = (await output.Body?.transformToString('utf8')) ?? '';
      return {
        text,
        // S3 answers "null" for an object written while the bucket kept no versions.
        ...(output.VersionId && output.VersionId !== 'null' ? { versionId: output.VersionId } : {}),
        ...(output.ETag ? { etag: output.ETag } : {}),
      };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 304 || errorCode(error) === 'NotModified') return 'not-modified' as const;
      const code = errorCode(error);
      // Nothing pushed (or that version gone); a missing bucket is a 404 too, but a misconfiguration.
      if (code === 'NoSuchKey' || code === 'NoSuchVersion' || (status === 404 && code !== 'NoSuchBucket')) {
        return undefined;
      }
      throw new ConfigReadError(this.location, code, { cause: error });
    }
  }

  async put(text: string): Promise<{ versionId?: string }> {
    const output = await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key,
        Body: text,
        ContentType: 'application/yaml; charset=utf-8',
      }),
    );
    return output.VersionId && output.VersionId !== 'null' ? { versionId: output.VersionId } : {};
  }
}

export interface LoadedConfig {
  config: ConfigFile;
  /**
   * Which configuration this is: the object's version id, `none` (nothing pushed: the defaults) or
   * `latest` (a store without versions). `plan` passes it to each `scan-target` of the run.
   */
  version: string;
  /** Where it came from (`s3://…`), or `defaults`. */
  source: string;
  /** Sections present in the file that the functions ignore (`targets`, `performance`). */
  ignoredSections: string[];
}

/** Versions kept parsed at once: a container serves one run at a time, and a run one version. */
const MAX_CACHED_VERSIONS = 4;

/**
 * Reads and validates the deployed configuration, with a bounded cache: the current object is
 * re-read conditionally on every `load()` (so a push takes effect at the next run), a given
 * version is parsed once. A failed read or an invalid file is never cached.
 */
export class DeployedConfig {
  #latest: { loaded: LoadedConfig; etag: string } | undefined;
  readonly #versions = new Map<string, LoadedConfig>();

  constructor(
    readonly store: ConfigObjectStore,
    private readonly knownRuleIds: ReadonlySet<string>,
  ) {}

  /** The configuration a run uses: `version` as a previous `load()` of the run returned it, or the current one. */
  async load(version?: string): Promise<LoadedConfig> {
    try {
      return await this.#load(version);
    } catch (error) {
      if (!(error instanceof ConfigReadError) || !error.misconfigured) throw error;
      throw new ConfigurationError(
        `${error.message} Check CONFIG_BUCKET and that the function's role may s3:GetObject, ` +
          's3:GetObjectVersion and s3:ListBucket there (serverless.yml grants it to plan, scan-target and scan).',
      );
    }
  }

  async #load(version: string | undefined): Promise<LoadedConfig> {
    if (version === NO_CONFIG_VERSION) return defaults();
    if (version !== undefined && version !== LATEST_CONFIG_VERSION) return this.#loadVersion(version);
    const object = await this.store.get(this.#latest ? { ifNoneMatch: this.#latest.etag } : {});
    if (object === 'not-modified' && this.#latest) return this.#latest.loaded;
    if (object === undefined || object === 'not-modified') {
      this.#latest = undefined;
      return defaults();
    }
    const loaded = this.#parse(object, object.versionId ?? LATEST_CONFIG_VERSION);
    this.#latest = object.etag ? { loaded, etag: object.etag } : undefined;
    if (object.versionId) this.#remember(loaded);
    return loaded;
  }

  async #loadVersion(version: string): Promise<LoadedConfig> {
    const cached = this.#versions.get(version);
    if (cached) return cached;
    const object = await this.store.get({ versionId: version });
    if (object === undefined || object === 'not-modified') {
      throw new ConfigurationError(
        `The configuration version ${version} this run started with is gone from ${this.store.location}. ` +
          'Start the run again: it will use the current version.',
      );
    }
    const loaded = this.#parse(object, version);
    this.#remember(loaded);
    return loaded;
  }

  #parse(object: ConfigObject, version: string): LoadedConfig {
    let config: ConfigFile;
    try {
      config = parseConfig(object.text, this.store.location, this.knownRuleIds);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      throw invalidConfigError(this.store.location, version, error.problems);
    }
    return {
      config,
      version,
      source: this.store.location,
      ignoredSections: deploymentSections.filter((section) => config[section] !== undefined),
    };
  }

  #remember(loaded: LoadedConfig): void {
    this.#versions.delete(loaded.version);
    this.#versions.set(loaded.version, loaded);
    while (this.#versions.size > MAX_CACHED_VERSIONS) {
      this.#versions.delete(this.#versions.keys().next().value as string);
    }
  }
}

function defaults(): LoadedConfig {
  return { config: {}, version: NO_CONFIG_VERSION, source: 'defaults', ignoredSections: [] };
}

/** An invalid deployed configuration: the run fails rather than scan with the defaults. */
export function invalidConfigError(
  location: string,
  version: string,
  problems: string[],
): ConfigurationError {
  const shown = version === LATEST_CONFIG_VERSION ? '' : ` (version ${version})`;
  return new ConfigurationError(
    `The deployed configuration ${location}${shown} is invalid, so nothing was scanned:\n  ` +
      `${problems.join('\n  ')}\n` +
      'Fix the file and push it again (estatescan config push --stage <stage> --file <file>, which ' +
      'checks it first), or push the last good version.',
    problems,
  );
}
