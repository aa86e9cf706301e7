/**
 * From the API call counter's keys (`<service>:<Operation>`, see `api-calls.ts`) to the IAM actions
 * that authorize them. The member role's policy in `infra/member-role.yml` grants the actions of the
 * calls the collectors and the planner declare (`src/scan/member-account-calls.ts`), mapped
 * through here.
 *
 * For most services the IAM action is the operation's name under the service prefix. S3 is the
 * exception: several operations are authorized by an action with another name, and S3 Control's
 * operations are `s3:` actions.
 */

/**
 * The calls `estatescan scan --security-hub` makes in each member account, with that account's
 * credentials (Security Hub accepts a finding of the default product only from its own account).
 * The member role grants them only with `SecurityHubImport=true`, in a policy of their own.
 */
export const securityHubOperations: readonly string[] = [
  'securityhub:BatchImportFindings',
  'securityhub:BatchUpdateFindings',
  'securityhub:GetFindings',
];

/** S3 operations whose IAM action has another name (the AWS Service Authorization Reference). */
const s3ActionByOperation: Readonly<Record<string, string>> = {
  ListBuckets: 'ListAllMyBuckets',
  HeadBucket: 'ListBucket',
  ListObjects: 'ListBucket',
  ListObjectsV2: 'ListBucket',
  ListObjectVersions: 'ListBucketVersions',
  HeadObject: 'GetObject',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
  GetBucketEncryption: 'GetEncryptionConfiguration',
  GetBucketLifecycleConfiguration: 'GetLifecycleConfiguration',
  GetBucketReplication: 'GetReplicationConfiguration',
  GetBucketIntelligentTieringConfiguration: 'GetIntelligentTieringConfiguration',
  GetBucketAnalyticsConfiguration: 'GetAnalyticsConfiguration',
  GetBucketInventoryConfiguration: 'GetInventoryConfiguration',
  GetBucketMetricsConfiguration: 'GetMetricsConfiguration',
};

/** S3 Control operations whose IAM action has another name. */
const s3controlActionByOperation: Readonly<Record<string, string>> = {
  GetPublicAccessBlock: 'GetAccountPublicAccessBlock',
};

/** The counter's service prefix for the services whose IAM prefix is the same. */
const sameNameServices = new Set([
  'ec2',
  'ecs',
  'eks',
  'ecr',
  'ecr-public',
  'outposts',
  'ssm',
  'sts',
  'organizations',
  'dynamodb',
  'sns',
  'sqs',
  'states',
  'kms',
  'securityhub',
]);

/**
 * The IAM action for an API call key, e.g. `s3:ListBuckets` → `s3:ListAllMyBuckets`,
 * `s3control:GetPublicAccessBlock` → `s3:GetAccountPublicAccessBlock`, `ec2:DescribeVpcs` → itself.
 * Throws for a key that is not `<service>:<Operation>` or names a service it does not know, so a
 * new service cannot slip past the policy check with a guessed action name.
 */
export function iamActionFor(counterKey: string): string {
  const match = /^([a-z0-9-]+):([A-Z][A-Za-z0-9]*)$/.exec(counterKey);
  if (!match) {
    throw new RangeError(`"${counterKey}" is not an API call key of the form <service>:<Operation>.`);
  }
  const [, service, operation] = match as unknown as [string, string, string];
  if (service === 's3') return `s3:${s3ActionByOperation[operation] ?? operation}`;
  if (service === 's3control') return `s3:${s3controlActionByOperation[operation] ?? operation}`;
  if (sameNameServices.has(service)) return `${service}:${operation}`;
  throw new RangeError(
    `No IAM action mapping for service "${service}" (${counterKey}): add it to src/aws/iam-actions.ts.`,
  );
}
