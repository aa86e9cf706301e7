/**
 * `estatescan config push|pull --stage <stage>`: the deployed configuration, the file the scheduled
 * and on-demand runs of a deployment read (config/deployed-config.ts). `push` validates the file
 * exactly as `estatescan scan --config` does (same messages, exit 2 when invalid) and uploads it
 * only then; `pull` writes out the current one. The bucket is found in the stack's outputs
 * (`estatescan-<stage>`, output `ConfigBucketName`), or given with `--bucket`.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { allRules } from '../../../rules/index.ts';
import { clientConfig, defaultAwsClientSettings } from '../../aws/client-config.ts';
import { errorCode, isAccessDeniedError } from '../../aws/errors.ts';
import { type ConfigFile, parseConfig, readConfigText } from '../../config/config-file.ts';
import { CONFIG_OBJECT_KEY, ConfigReadError, S3ConfigObjectStore } from '../../config/deployed-config.ts';
import type { Environment } from '../../config/environment.ts';
import { suppressionEnds } from '../../engine/suppressions.ts';
import { EstatescanError, UsageError } from '../../errors.ts';
import { plural } from '../../text/plural.ts';
import type { CommandIo } from '../io.ts';
import { parseCommandArgs } from '../options.ts';

/** What `estatescan scan` reads without --config, and what push uploads without --file. */
const DEFAULT_CONFIG_FILE = 'estatescan.config.yml';

export const configHelp = `estatescan config — the deployed configuration (rules, severities, settings, suppressions)

Usage: estatescan config push --stage <stage> [--file <file>] [--bucket <name>] [--region <region>]
       estatescan config pull --stage <stage> [--output <file>] [--bucket <name>] [--region <region>]

push   checks the file as 'estatescan scan --config' does (an invalid one is refused, exit 2, and
       nothing is uploaded), then uploads it: the deployment's next run uses it, no redeploy.
       --file defaults to ./${DEFAULT_CONFIG_FILE}.
pull   writes the deployed file to --output, or to stdout.

The bucket comes from the stack estatescan-<stage> (its output ConfigBucketName) in --region, else
AWS_REGION; --bucket names it instead. Every push is kept as a version of the object (90 days):
pushing the last good file undoes a bad one. The targets and performance sections are the
deployment's parameters (serverless.yml), not taken from this file.`;

/** The stack's output naming the configuration bucket (serverless.yml). */
export const CONFIG_BUCKET_OUTPUT = 'ConfigBucketName';
export const stackName = (stage: string) => `estatescan-${stage}`;

const stagePattern = /^[a-zA-Z0-9-]{1,64}$/;
const bucketPattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export async function configCommand(args: string[], env: Environment, io: CommandIo): Promise<number> {
  const [action, ...rest] = args;
  if (!action || action === '--help' || action === '-h' || action === 'help') {
    io.stdout(`${configHelp}\n`);
    return action ? 0 : 2;
  }
  if (action !== 'push' && action !== 'pull') {
    throw new UsageError(`Unknown config action "${action}": push or pull.\n\n${configHelp}`);
  }
  const { values } = parseCommandArgs(rest, {
    stage: { type: 'string' },
    file: { type: 'string' },
    output: { type: 'string', short: 'o' },
    bucket: { type: 'string' },
    region: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(`${configHelp}\n`);
    return 0;
  }
  const problems: string[] = [];
  if (!values.stage && !values.bucket)
    problems.push('--stage: the deployment stage is required (or --bucket)');
  if (values.stage && !stagePattern.test(values.stage)) problems.push('--stage: letters, digits and -');
  if (values.bucket && !bucketPattern.test(values.bucket)) problems.push('--bucket: an S3 bucket name');
  if (action === 'push' && values.output) problems.push('--output: only for pull (push reads --file)');
  if (action === 'pull' && values.file) problems.push('--file: only for push (pull writes --output)');
  const region = values.region ?? env.region;
  if (!region) problems.push('no region: set AWS_REGION or pass --region (where the stack is deployed)');
  if (problems.length) throw new UsageError(`Invalid options:\n  ${problems.join('\n  ')}`, problems);

  const settings = { ...defaultAwsClientSettings, ...(env.endpoint ? { endpoint: env.endpoint } : {}) };
  const config = clientConfig(region as string, undefined, settings);

  if (action === 'push') {
    const file = values.file ?? DEFAULT_CONFIG_FILE;
    // Checked before anything is asked of AWS: the same messages as `estatescan scan --config`.
    const text = await readConfigText(file);
    const parsed = parseConfig(text, file, new Set(allRules.map((r) => r.id)));
    const bucket =
      values.bucket ?? (await bucketOfStack(new CloudFormationClient(config), values.stage!, region!));
    const store = new S3ConfigObjectStore(new S3Client(config), bucket, CONFIG_OBJECT_KEY);
    const { versionId } = await aws(`s3:PutObject on ${store.location}`, () => store.put(text));
    for (const note of notesOn(parsed, io.now())) io.stderr(`note: ${note}\n`);
    io.stderr(
      `Pushed ${file} to ${store.location}${versionId ? ` (version ${versionId})` : ''}: ${describe(parsed)}.\n` +
        'The next run uses it; a run under way keeps the version it started with.\n',
    );
    return 0;
  }

  const bucket =
    values.bucket ?? (await bucketOfStack(new CloudFormationClient(config), values.stage!, region!));
  const store = new S3ConfigObjectStore(new S3Client(config), bucket, CONFIG_OBJECT_KEY);
  const object = await aws(`s3:GetObject on ${store.location}`, () => store.get());
  if (object === undefined || object === 'not-modified') {
    throw new UsageError(
      `Nothing was pushed to ${store.location} yet: the deployment scans with the defaults. ` +
        'Push a file with estatescan config push.',
    );
  }
  await io.write(object.text, values.output);
  io.stderr(
    `Pulled ${store.location}${object.versionId ? ` (version ${object.versionId})` : ''}` +
      `${values.output ? ` to ${values.output}` : ''}.\n`,
  );
  return 0;
}

/** The configuration bucket of the stack `estatescan-<stage>`, from its outputs. */
export async function bucketOfStack(
  cloudformation: Pick<CloudFormationClient, 'send'>,
  stage: string,
  region: string,
): Promise<string> {
  const name = stackName(stage);
  let outputs: { OutputKey?: string; OutputValue?: string }[] | undefined;
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: name }));
    outputs = Stacks?.[0]?.Outputs;
  } catch (error) {
    if (errorCode(error) === 'ValidationError') {
      throw new UsageError(
        `No stack ${name} in ${region}: deploy it first (README, "Deploying"), check --stage and ` +
          '--region (or AWS_REGION), or name the bucket with --bucket.',
      );
    }
    throw awsError(`cloudformation:DescribeStacks of ${name}`, error);
  }
  const bucket = outputs?.find((o) => o.OutputKey === CONFIG_BUCKET_OUTPUT)?.OutputValue;
  if (!bucket) {
    throw new UsageError(
      `The stack ${name} in ${region} has no ${CONFIG_BUCKET_OUTPUT} output: it was deployed before the ` +
        'deployed configuration existed. Deploy it again, or name the bucket with --bucket.',
    );
  }
  return bucket;
}

/** Runs an AWS call; a denied one is the caller's configuration (exit 2), anything else exit 3. */
async function aws<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw awsError(what, error instanceof ConfigReadError ? (error.cause ?? error) : error);
  }
}

function awsError(what: string, error: unknown): Error {
  const code = errorCode(error);
  if (isAccessDeniedError(error) || code === 'NoSuchBucket') {
    return new UsageError(
      `${what} failed (${code}). Check your AWS credentials (AWS_PROFILE…) and the bucket: pushing ` +
        'takes s3:PutObject on it, pulling s3:GetObject (and finding it, cloudformation:DescribeStacks).',
    );
  }
  return new EstatescanError(`${what} failed (${code}): try again.`, { cause: error });
}

/** `2 rules disabled, 1 severity override, 3 suppressions`. */
function describe(config: ConfigFile): string {
  const parts = [
    config.rules?.enabled ? `only ${plural(config.rules.enabled.length, 'rule')} enabled` : undefined,
    config.rules?.disabled?.length ? `${plural(config.rules.disabled.length, 'rule')} disabled` : undefined,
    config.rules?.severity
      ? plural(Object.keys(config.rules.severity).length, 'severity override')
      : undefined,
    config.settings ? 'rule settings' : undefined,
    config.suppressions?.length ? plural(config.suppressions.length, 'suppression') : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'the defaults';
}

/** What the deployment will do differently from what the file seems to say. */
function notesOn(config: ConfigFile, now: Date): string[] {
  const notes: string[] = [];
  const ignored = (['targets', 'performance'] as const).filter((s) => config[s] !== undefined);
  if (ignored.length) {
    notes.push(
      `the deployment ignores the ${ignored.join(' and ')} section${ignored.length > 1 ? 's' : ''}: ` +
        'they are its parameters (serverless.yml: targetAccounts, targetRegions…)',
    );
  }
  (config.suppressions ?? []).forEach((s, i) => {
    // The instant the deployment's scans stop applying it: the same rule as theirs.
    if (suppressionEnds(s.expires) <= now.getTime()) {
      notes.push(`suppressions[${i + 1}] expired on ${s.expires}: it no longer suppresses anything`);
    }
  });
  return notes;
}
