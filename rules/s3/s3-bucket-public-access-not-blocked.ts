import type { Rule } from '../../src/engine/types.ts';
import type { PublicAccessBlock } from '../../src/inventory/types.ts';
import { sh } from '../lib/shell.ts';

const settings = [
  'blockPublicAcls',
  'ignorePublicAcls',
  'blockPublicPolicy',
  'restrictPublicBuckets',
] as const satisfies readonly (keyof PublicAccessBlock)[];

const fullBlockCli = (bucket: string) =>
  sh`aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration ` +
  'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true';

export const rule: Rule = {
  id: 's3-bucket-public-access-not-blocked',
  title: 'S3 bucket public access is not fully blocked',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  severity: 'high',
  description:
    'Fires when, for at least one of the four Block Public Access settings, neither the bucket nor the ' +
    'account turns it on (S3 applies the most restrictive combination of the two levels).',
  risk:
    'Without all four settings in force, one ACL or bucket policy change (a typo, a copied example, a ' +
    'compromised deploy role) is enough to expose the objects to the whole internet, and S3 will not ' +
    'stop it.',
  remediation: {
    console: [
      'Open the S3 console and choose the bucket, then the Permissions tab.',
      'Under Block public access (bucket settings), choose Edit, select Block all public access and save.',
      'Better, for the whole account: choose Block Public Access settings for this account in the navigation pane and turn on all four settings.',
    ],
    cli: 'aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true (account-wide: aws s3control put-public-access-block --account-id <account> --public-access-block-configuration ...)',
  },
  references: {
    // S3.8 checks the bucket level, S3.1 the account level; this rule combines the two.
    securityHub: 'S3.8, S3.1',
    cis: 'CIS AWS Foundations Benchmark v3.0.0 2.1.4',
    docs: [
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-8',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-1',
    ],
  },
  requires: ['s3.buckets', 's3.accountPublicAccessBlock'],
  scope(snapshot) {
    const buckets = snapshot.sources['s3.buckets'];
    return buckets?.ok ? buckets.items.map((b) => ({ id: b.name })) : [];
  },
  evaluate(snapshot) {
    const buckets = snapshot.sources['s3.buckets'];
    const account = snapshot.sources['s3.accountPublicAccessBlock'];
    if (!buckets?.ok || !account?.ok) return [];
    // The collector reports the account's block once per snapshot; null means none configured.
    const accountBlock = account.items[0]?.publicAccessBlock ?? null;
    return buckets.items.flatMap((b) => {
      // undefined: the bucket's block could not be read (the error is in the snapshot).
      if (b.publicAccessBlock === undefined) return [];
      const bucketBlock = b.publicAccessBlock;
      const missing = settings.filter((s) => !bucketBlock?.[s] && !accountBlock?.[s]);
      if (missing.length === 0) return [];
      return [
        {
          resourceId: b.name,
          resourceArn: `arn:aws:s3:::${b.name}`,
          message: `S3 bucket ${b.name} is not fully protected by Block Public Access: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} off at both the bucket and the account level.`,
          evidence: {
            region: b.region,
            bucketPublicAccessBlock: bucketBlock,
            accountPublicAccessBlock: accountBlock,
            missing,
          },
          cli: fullBlockCli(b.name),
        },
      ];
    });
  },
};
