import type { Rule } from '../../src/engine/types.ts';
import { sh } from '../lib/shell.ts';

/** States whose instance is gone or going: nothing to fix there. */
const GONE = new Set(['terminated', 'shutting-down']);

export const rule: Rule = {
  id: 'ec2-instance-imdsv1-allowed',
  title: 'EC2 instance allows IMDSv1 (metadata tokens not required)',
  service: 'ec2',
  resourceType: 'AwsEc2Instance',
  severity: 'high',
  description:
    'Fires when an EC2 instance that is not terminated or shutting down answers instance metadata ' +
    'requests without a session token (HttpTokens is not `required`) while its metadata endpoint is enabled.',
  risk:
    'IMDSv1 answers any plain GET from the instance, so a server-side request forgery, an open reverse ' +
    'proxy or a misconfigured firewall in front of an application is enough to read the instance role’s ' +
    'temporary credentials from 169.254.169.254 and use them from anywhere. IMDSv2 requires a PUT to get a ' +
    'session token first, which those paths cannot send.',
  remediation: {
    console: [
      'Check that the software on the instance uses IMDSv2 (current AWS SDKs and CLI do; the ' +
        'MetadataNoToken CloudWatch metric shows IMDSv1 calls still being made).',
      'Open the EC2 console, choose Instances and select the instance.',
      'Choose Actions, Instance settings, Modify instance metadata options.',
      'Set IMDSv2 to Required and save.',
    ],
    cli: 'aws ec2 modify-instance-metadata-options --instance-id <instance-id> --http-tokens required --http-endpoint enabled',
  },
  references: {
    securityHub: 'EC2.8',
    cis: 'CIS AWS Foundations Benchmark v3.0.0 5.6',
    docs: [
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-8',
      'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html',
    ],
  },
  requires: ['ec2.instances'],
  scope(snapshot) {
    const instances = snapshot.sources['ec2.instances'];
    if (!instances?.ok) return [];
    return instances.items.filter((i) => !GONE.has(i.state)).map((i) => ({ id: i.instanceId, tags: i.tags }));
  },
  evaluate(snapshot) {
    const instances = snapshot.sources['ec2.instances'];
    if (!instances?.ok) return [];
    return instances.items
      .filter(
        (i) =>
          !GONE.has(i.state) &&
          i.metadataOptions.httpEndpoint !== 'disabled' &&
          i.metadataOptions.httpTokens !== 'required',
      )
      .map((i) => {
        const name = i.tags.Name ? `${i.tags.Name} (${i.instanceId})` : i.instanceId;
        const { httpTokens, httpEndpoint, httpPutResponseHopLimit } = i.metadataOptions;
        return {
          resourceId: i.instanceId,
          resourceArn: `arn:aws:ec2:${snapshot.region}:${snapshot.accountId}:instance/${i.instanceId}`,
          message: `EC2 instance ${name} accepts IMDSv1 metadata requests without a session token (HttpTokens is ${httpTokens ?? 'not set'}).`,
          evidence: {
            state: i.state,
            httpTokens: httpTokens ?? null,
            httpEndpoint: httpEndpoint ?? 'enabled',
            ...(httpPutResponseHopLimit !== undefined ? { httpPutResponseHopLimit } : {}),
            ...(i.iamInstanceProfileArn ? { iamInstanceProfileArn: i.iamInstanceProfileArn } : {}),
          },
          cli: sh`aws ec2 modify-instance-metadata-options --instance-id ${i.instanceId} --http-tokens required --http-endpoint enabled`,
        };
      });
  },
};
