/**
 * Every OCSF finding of a full scan of the demo estate, validated by py-ocsf-models (the model
 * Prowler validates its own OCSF with), installed pinned into the project's .venv beside moto, and
 * checked for attributes the schema does not define (test/support/ocsf_validate.py). Account names
 * come from the emulator's AWS Organizations.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../../../scripts/demo/estate.ts';
import { ocsfValidatorPython } from '../../../scripts/emulator/moto.ts';
import { main } from '../../../src/cli/main.ts';
import { reportFileName } from '../../../src/cli/output.ts';
import type { AsffBatch } from '../../../src/report/asff.ts';
import type { OcsfDetectionFinding } from '../../../src/report/ocsf.ts';
import { captureIo } from '../../support/capture-io.ts';
import { credentialsFor, emulatorEndpoint, resetEmulator } from '../../support/emulator.ts';

const validator = fileURLToPath(new URL('../../support/ocsf_validate.py', import.meta.url));
const env = () => ({ endpoint: emulatorEndpoint(), region: 'eu-west-1', interactive: false });

interface Validation {
  ocsf_version: string;
  count: number;
  invalid: { index: number; uid: string; errors: string[] }[];
}

function validate(python: string, ocsf: string): Validation {
  return JSON.parse(execFileSync(python, [validator], { input: ocsf, encoding: 'utf8' }));
}

/** Runs `estatescan scan` in-process; returns its exit code and the files it wrote, by format. */
async function scan(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'estatescan-ocsf-'));
  const io = captureIo(() => new Date('2026-11-25T12:00:00Z'));
  const code = await main(['scan', ...args, '-q', '--output-dir', dir], env(), io);
  const runId = /run (\S+) written/.exec(io.err.join(''))?.[1] ?? '';
  const file = (format: string) => io.files.get(join(dir, reportFileName(runId, format))) ?? '';
  return { code, err: io.err.join(''), file };
}

describe('OCSF output validated by py-ocsf-models', () => {
  let python: string;

  beforeAll(async () => {
    python = ocsfValidatorPython();
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
  });

  it('validates every finding of a full scan of the demo estate as a Detection Finding of the version it declares', async () => {
    // Act
    const { file } = await scan([
      '--accounts',
      Object.values(DEMO_ACCOUNTS).join(','),
      '--regions',
      'eu-west-1,us-east-1',
      '--format',
      'ocsf,json',
    ]);
    const events = JSON.parse(file('ocsf')) as OcsfDetectionFinding[];
    const result = validate(python, file('ocsf'));

    // Assess
    expect(result.invalid).toEqual([]);
    expect(result.count).toBe(JSON.parse(file('json')).findings.length);
    expect(result.count).toBeGreaterThan(30);
    for (const e of events) {
      expect(e.metadata.version).toBe(result.ocsf_version);
      expect(e.class_uid).toBe(2004);
      // No organization in the demo estate: the account's id stands for its name.
      expect(e.cloud.account.name).toBe(e.cloud.account.uid);
    }
    expect(events.some((e) => e.resources[0]?.tags?.some((t) => t.name === 'Name'))).toBe(true);
    expect(
      events.some((e) => (e.unmapped.compliance as Record<string, string[]>)?.['AWS Security Hub']),
    ).toBe(true);
    expect(events.some((e) => e.unmapped.rule_coverage)).toBe(true);
  });

  it('names accounts from AWS Organizations in OCSF, ASFF and CSV, and still validates', async () => {
    // Prepare: an organization with a named member account holding an unversioned bucket.
    const organizations = new OrganizationsClient({ region: 'us-east-1', endpoint: emulatorEndpoint() });
    await organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = await organizations.send(
      new CreateAccountCommand({ AccountName: 'Payments Production', Email: 'payments@acme.example' }),
    );
    const accountId = created.CreateAccountStatus?.AccountId as string;
    organizations.destroy();
    const s3 = new S3Client({
      region: 'eu-west-1',
      endpoint: emulatorEndpoint(),
      forcePathStyle: true,
      credentials: await credentialsFor(accountId),
    });
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'acme-payments-ledger',
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    s3.destroy();

    // Act
    const { code, file } = await scan([
      '--accounts',
      accountId,
      '--regions',
      'eu-west-1',
      '--rules',
      's3-bucket-versioning-disabled',
      '--format',
      'ocsf,asff,csv',
    ]);

    // Assess
    expect(code).toBe(0);
    const [event] = JSON.parse(file('ocsf')) as OcsfDetectionFinding[];
    expect(event?.cloud.account).toMatchObject({ uid: accountId, name: 'Payments Production' });
    expect(event?.cloud.org?.uid).toMatch(/^o-[a-z0-9]+$/);
    expect(validate(python, file('ocsf')).invalid).toEqual([]);
    const [batch] = JSON.parse(file('asff')) as AsffBatch[];
    expect(batch?.Findings[0]?.AwsAccountName).toBe('Payments Production');
    expect(file('csv')).toContain(`${accountId},Payments Production,eu-west-1`);
  });
});
