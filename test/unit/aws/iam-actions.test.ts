import { describe, expect, it } from 'vitest';
import { iamActionFor } from '../../../src/aws/iam-actions.ts';
import { memberAccountOperations } from '../../../src/scan/member-account-calls.ts';

describe('iamActionFor', () => {
  it.each([
    ['ec2:DescribeInstances', 'ec2:DescribeInstances'],
    ['ecr-public:DescribeRepositories', 'ecr-public:DescribeRepositories'],
    ['eks:DescribeClusterVersions', 'eks:DescribeClusterVersions'],
    ['eks:DescribeAddonVersions', 'eks:DescribeAddonVersions'],
    ['ecs:DescribeTaskDefinition', 'ecs:DescribeTaskDefinition'],
    ['outposts:ListOutposts', 'outposts:ListOutposts'],
    ['outposts:ListAssets', 'outposts:ListAssets'],
    ['s3:ListBuckets', 's3:ListAllMyBuckets'],
    ['s3:GetBucketVersioning', 's3:GetBucketVersioning'],
    ['s3:GetPublicAccessBlock', 's3:GetBucketPublicAccessBlock'],
    ['s3:GetBucketEncryption', 's3:GetEncryptionConfiguration'],
    ['s3:GetBucketLocation', 's3:GetBucketLocation'],
    ['s3control:GetPublicAccessBlock', 's3:GetAccountPublicAccessBlock'],
  ])('maps the API call %s to the IAM action %s', (key, action) => {
    // Act
    const mapped = iamActionFor(key);

    // Assess
    expect(mapped).toBe(action);
  });

  it('refuses a key that is not <service>:<Operation>', () => {
    // Act and assess
    expect(() => iamActionFor('DescribeInstances')).toThrow(/<service>:<Operation>/);
    expect(() => iamActionFor('ec2:describeInstances')).toThrow(RangeError);
  });

  it('refuses a service it has no mapping for, rather than guessing an action', () => {
    // Act and assess
    expect(() => iamActionFor('rds:DescribeDBInstances')).toThrow(/No IAM action mapping for service "rds"/);
  });

  it('maps every member-account operation to a distinct action', () => {
    // Act
    const actions = memberAccountOperations.map(iamActionFor);

    // Assess
    expect(new Set(actions).size).toBe(memberAccountOperations.length);
  });
});
