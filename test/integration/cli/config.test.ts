/**
 * `estatescan config push|pull --stage <stage>` against the emulator: the bucket found in the
 * stack's outputs (a stack made in moto's CloudFormation, with the output serverless.yml declares),
 * every push a version, an invalid file refused with exactly the problems `estatescan scan --config`
 * lists, before anything is uploaded.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientConfig } from '../../../src/aws/client-config.ts';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../../support/capture-io.ts';
import { emulatorEndpoint, emulatorSettings, hubCredentials, resetEmulator } from '../../support/emulator.ts';

const REGION = 'eu-west-1';
const STAGE = 'itest';
const env = () => ({ endpoint: emulatorEndpoint(), region: REGION, interactive: false });

const good = [
  'rules:',
  '  severity: { s3-bucket-versioning-disabled: critical }',
  'suppressions:',
  '  - rule: s3-bucket-versioning-disabled',
  '    resource: acme-prod-*',
  '    reason: log bucket, rewritten daily',
  '    owner: platform@example.com',
  '    expires: 2027-01-31',
  '',
].join('\n');
const bad = [
  'rules:',
  '  severity: { s3-bucket-versioning-disabled: urgent }',
  'settings:',
  '  authorizedPorts: [80, 70000]',
  'suppressions:',
  '  - rule: s3-bucket-versioning-disabled',
  '    resource: acme-prod-*',
  '    owner: platform@example.com',
  '    expires: 2027-02-30',
  '',
].join('\n');

describe('estatescan config push|pull --stage', () => {
  let dir: string;
  let bucket: string;
  let s3: S3Client;

  beforeAll(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = hubCredentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = hubCredentials.secretAccessKey;
    const config = clientConfig(REGION, hubCredentials, emulatorSettings());
    // Prepare: the stack, as far as the CLI sees it: its configuration bucket and the output.
    await new CloudFormationClient(config).send(
      new CreateStackCommand({
        StackName: `estatescan-${STAGE}`,
        TemplateBody: JSON.stringify({
          Resources: { ConfigBucket: { Type: 'AWS::S3::Bucket' } },
          Outputs: { ConfigBucketName: { Value: { Ref: 'ConfigBucket' } } },
        }),
      }),
    );
    s3 = new S3Client(config);
    bucket = (await s3.send(new ListBucketsCommand({}))).Buckets?.[0]?.Name as string;
    // moto makes a CloudFormation bucket with its encryption and tags only (the template's
    // versioning is one of the settings it leaves out): set it as the stack does.
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    dir = mkdtempSync(join(tmpdir(), 'estatescan-config-'));
    writeFileSync(join(dir, 'good.yml'), good);
    writeFileSync(join(dir, 'bad.yml'), bad);
  });

  it('pushes a valid file to the bucket named in the stack outputs, as a new version', async () => {
    // Prepare
    const io = captureIo(() => new Date('2026-11-25T12:00:00Z'));

    // Act
    const code = await main(['config', 'push', '--stage', STAGE, '--file', join(dir, 'good.yml')], env(), io);

    // Assess
    expect(code).toBe(0);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'estatescan.config.yml' }));
    expect(await object.Body?.transformToString()).toBe(good);
    expect(io.err.join('')).toMatch(
      new RegExp(
        `^Pushed .*good\\.yml to s3://${bucket}/estatescan\\.config\\.yml \\(version [^)]+\\): 1 severity override, 1 suppression\\.\\n` +
          'The next run uses it',
      ),
    );
  });

  it('refuses an invalid file with the problems estatescan scan --config gives, exit 2, and uploads nothing', async () => {
    // Prepare
    const before = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const pushIo = captureIo();
    const scanIo = captureIo();

    // Act
    const code = await main(
      ['config', 'push', '--stage', STAGE, '--file', join(dir, 'bad.yml')],
      env(),
      pushIo,
    );
    await main(['scan', '--config', join(dir, 'bad.yml')], env(), scanIo);

    // Assess
    expect(code).toBe(2);
    const problems = pushIo.err.join('').replace(/^estatescan config: /, '');
    expect(problems).toBe(scanIo.err.join('').replace(/^estatescan scan: /, ''));
    expect(problems).toMatch(
      /Invalid option[\s\S]*authorizedPorts\[2\][\s\S]*reason[\s\S]*expires: not a real date/,
    );
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    expect(after.Versions?.length).toBe(before.Versions?.length);
  });

  it('notes what the deployment will not take from the file: its targets, and suppressions already expired', async () => {
    // Prepare
    const file = join(dir, 'notes.yml');
    writeFileSync(file, `targets:\n  regions: [eu-west-1]\n${good.replace('2027-01-31', '2026-01-31')}`);
    const io = captureIo(() => new Date('2026-11-25T12:00:00Z'));

    // Act
    const code = await main(['config', 'push', '--stage', STAGE, '--file', file], env(), io);

    // Assess
    expect(code).toBe(0);
    expect(io.err.join('')).toMatch(
      /note: the deployment ignores the targets section[\s\S]*note: suppressions\[1\] expired on 2026-01-31/,
    );
  });

  it('pulls the current file to --output, or to stdout', async () => {
    // Prepare
    await main(['config', 'push', '--stage', STAGE, '--file', join(dir, 'good.yml')], env(), captureIo());
    const toFile = captureIo();
    const toStdout = captureIo();

    // Act
    const code = await main(['config', 'pull', '--stage', STAGE, '--output', 'pulled.yml'], env(), toFile);
    await main(['config', 'pull', '--bucket', bucket], env(), toStdout);

    // Assess
    expect(code).toBe(0);
    expect(toFile.files.get('pulled.yml')).toBe(good);
    expect(toStdout.out.join('')).toBe(good);
  });

  it('says what to do when the stack is not there, or nothing was pushed, with exit 2', async () => {
    // Prepare
    const noStack = captureIo();
    const nothing = captureIo();
    const empty = `estatescan-${STAGE}-empty`;
    await s3.send(
      new CreateBucketCommand({ Bucket: empty, CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );

    // Act
    const a = await main(['config', 'pull', '--stage', 'nope'], env(), noStack);
    const b = await main(['config', 'pull', '--bucket', empty], env(), nothing);

    // Assess
    expect(a).toBe(2);
    expect(noStack.err.join('')).toMatch(/No stack estatescan-nope in eu-west-1: deploy it first/);
    expect(b).toBe(2);
    expect(nothing.err.join('')).toMatch(
      /Nothing was pushed to s3:\/\/.*-empty\/estatescan\.config\.yml yet/,
    );
  });
});
