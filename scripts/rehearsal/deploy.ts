/**
 * Deploys the packaged service to the emulator the way `osls deploy` does it: the create-stack
 * template (the deployment bucket alone), the artifacts uploaded under the directory the packaged
 * template names, then the stack updated from the compiled template's URL. Then the member role
 * (infra/member-role.yml) in every member account, as the StackSet would, trusting the stack's
 * scanning roles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Capability,
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  type Parameter,
  type Stack,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { CfnTemplate } from '../cloudformation.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const capabilities: Capability[] = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];

export interface AwsAccess {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface DeployedStack {
  stackName: string;
  /** The packaged template, as deployed. */
  template: CfnTemplate;
  outputs: Record<string, string>;
  /** Logical id → physical id. */
  resources: Record<string, string>;
  /** The parameters given to CloudFormation (the others keep their defaults). */
  parameters: Record<string, string>;
}

function config(access: AwsAccess) {
  return {
    region: access.region,
    endpoint: access.endpoint,
    credentials: access.credentials,
    forcePathStyle: true,
  };
}

async function stackOf(cfn: CloudFormationClient, stackName: string): Promise<Stack> {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const stack = Stacks?.[0];
  if (!stack) throw new Error(`no stack ${stackName}`);
  return stack;
}

async function waitForStack(cfn: CloudFormationClient, stackName: string, wanted: string): Promise<Stack> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const stack = await stackOf(cfn, stackName);
    if (stack.StackStatus === wanted) return stack;
    if (!stack.StackStatus?.endsWith('_IN_PROGRESS') || Date.now() > deadline) {
      throw new Error(
        `stack ${stackName} is ${stack.StackStatus} (${stack.StackStatusReason ?? 'no reason'}), not ${wanted}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const outputsOf = (stack: Stack) =>
  Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));

/**
 * `osls deploy` from a `--package` directory: create-stack, upload, update-stack. `parameters`
 * override template parameters (CloudFormation's `--parameter-overrides`).
 */
export async function deployPackagedService(
  access: AwsAccess,
  packageDir: string,
  stackName: string,
  parameters: Record<string, string>,
): Promise<DeployedStack> {
  const cfn = new CloudFormationClient(config(access));
  const s3 = new S3Client(config(access));
  try {
    await cfn.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: readFileSync(join(packageDir, 'cloudformation-template-create-stack.json'), 'utf8'),
        Capabilities: capabilities,
      }),
    );
    const bucket = outputsOf(
      await waitForStack(cfn, stackName, 'CREATE_COMPLETE'),
    ).ServerlessDeploymentBucketName;
    if (!bucket) throw new Error('the create-stack template gave no ServerlessDeploymentBucketName');

    const templateText = readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8');
    const template = JSON.parse(templateText) as CfnTemplate;
    const keys = Object.values(template.Resources)
      .map((r) => r.Properties?.Code?.S3Key)
      .filter((k): k is string => typeof k === 'string');
    const artifactDirectory = dirname(keys[0] ?? '');
    if (!keys.length || keys.some((k) => dirname(k) !== artifactDirectory)) {
      throw new Error(
        `the packaged functions' S3Keys do not share one artifact directory: ${keys.join(', ')}`,
      );
    }
    for (const file of readdirSync(packageDir).filter((f) => f.endsWith('.zip'))) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `${artifactDirectory}/${file}`,
          Body: readFileSync(join(packageDir, file)),
        }),
      );
    }
    const templateKey = `${artifactDirectory}/compiled-cloudformation-template.json`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: templateKey, Body: templateText }));

    const overrides: Parameter[] = Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    }));
    await cfn.send(
      new UpdateStackCommand({
        StackName: stackName,
        TemplateURL: `https://s3.amazonaws.com/${bucket}/${templateKey}`,
        Parameters: overrides,
        Capabilities: capabilities,
      }),
    );
    const stack = await waitForStack(cfn, stackName, 'UPDATE_COMPLETE');
    const { StackResources } = await cfn.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    return {
      stackName,
      template,
      outputs: outputsOf(stack),
      resources: Object.fromEntries(
        (StackResources ?? []).map((r) => [r.LogicalResourceId ?? '', r.PhysicalResourceId ?? '']),
      ),
      parameters,
    };
  } finally {
    cfn.destroy();
    s3.destroy();
  }
}

/** The external id's SecureString, which the deployer creates before deploying (README). */
export async function putExternalId(access: AwsAccess, name: string, value: string): Promise<void> {
  const ssm = new SSMClient(config(access));
  try {
    await ssm.send(
      new PutParameterCommand({ Name: name, Type: 'SecureString', Value: value, Overwrite: true }),
    );
  } finally {
    ssm.destroy();
  }
}

/** Credentials in a member account, as an organization administrator has them. */
export async function administratorOf(access: AwsAccess, accountId: string): Promise<AwsAccess> {
  const sts = new STSClient(config(access));
  try {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
        RoleSessionName: 'rehearsal-administrator',
      }),
    );
    return {
      ...access,
      credentials: {
        accessKeyId: c!.AccessKeyId!,
        secretAccessKey: c!.SecretAccessKey!,
        sessionToken: c!.SessionToken!,
      },
    };
  } finally {
    sts.destroy();
  }
}

/** infra/member-role.yml in one member account, trusting the hub's scanning roles. */
export async function deployMemberRole(
  access: AwsAccess,
  parameters: { HubAccountId: string; HubPrincipalArns: string; ExternalId: string },
): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient(config(access));
  try {
    const stackName = 'estatescan-member-role';
    await cfn.send(
      new CreateStackCommand({
        StackName: stackName,
        TemplateBody: readFileSync(join(projectRoot, 'infra', 'member-role.yml'), 'utf8'),
        Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
        Capabilities: capabilities,
      }),
    );
    return outputsOf(await waitForStack(cfn, stackName, 'CREATE_COMPLETE'));
  } finally {
    cfn.destroy();
  }
}
