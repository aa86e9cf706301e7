import type { Rule } from '../../src/engine/types.ts';
import { sh } from '../lib/shell.ts';

export const rule: Rule = {
  id: 's3-bucket-versioning-disabled',
  title: 'S3 bucket versioning is not enabled',
  service: 's3',
  resourceType: 'AwsS3Bucket',
  severity: 'medium',
  description: 'Fires when an S3 bucket never had versioning enabled, or has it suspended.',
  risk:
    'Without versioning an overwritten or deleted object is gone for good: a faulty deployment, a ' +
    'compromised credential or ransomware that rewrites objects leaves nothing to restore from.',
  remediation: {
    console: [
      'Open the S3 console and choose the bucket.',
      'On the Properties tab, under Bucket Versioning, choose Edit, select Enable and save.',
    ],
    cli: 'aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled',
  },
  references: {
    securityHub: 'S3.14',
    docs: ['https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html'],
  },
  requires: ['s3.buckets'],
  scope(snapshot) {
    const buckets = snapshot.sources['s3.buckets'];
    return buckets?.ok ? buckets.items.map((b) => ({ id: b.name })) : [];
  },
  evaluate(snapshot) {
    const buckets = snapshot.sources['s3.buckets'];
    if (!buckets?.ok) return [];
    return buckets.items
      .filter((b) => b.versioning === 'Never' || b.versioning === 'Suspended')
      .map((b) => ({
        resourceId: b.name,
        resourceArn: `arn:aws:s3:::${b.name}`,
        message:
          b.versioning === 'Suspended'
            ? `S3 bucket ${b.name} has versioning suspended: new writes overwrite objects for good.`
            : `S3 bucket ${b.name} has never had versioning enabled.`,
        evidence: { versioning: b.versioning, region: b.region },
        cli: sh`aws s3api put-bucket-versioning --bucket ${b.name} --versioning-configuration Status=Enabled`,
      }));
  },
};
