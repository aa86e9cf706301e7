/**
 * `estatescan scan --security-hub` against the emulator's Security Hub (moto 5.2 implements
 * BatchImportFindings and GetFindings, keeping state per account and Region). moto lacks
 * BatchUpdateFindings: where the workflow matters, a proxy in front of the emulator answers it as
 * the API reference documents, and the test names say so.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AwsSecurityFinding, GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  changeDemoEstate,
  DEMO_ACCOUNTS,
  DEMO_HUB_CREDENTIALS,
  seedDemoEstate,
} from '../../../scripts/demo/estate.ts';
import { main } from '../../../src/cli/main.ts';
import { NOTE_AUTHOR } from '../../../src/securityhub/sync.ts';
import { captureIo } from '../../support/capture-io.ts';
import { credentialsFor, emulatorEndpoint, HUB_ACCOUNT, resetEmulator } from '../../support/emulator.ts';
import {
  type InterceptedRequest,
  type InterceptProxy,
  startInterceptProxy,
} from '../../support/intercept-proxy.ts';

const prod = DEMO_ACCOUNTS.production;
const dev = DEMO_ACCOUNTS.development;
const REGION = 'eu-west-1';
const RULES = 's3-bucket-versioning-disabled,ecr-repository-public,ecr-repository-tags-mutable';

/** What each account's own Security Hub holds, read with that account's credentials. */
async function hubFindings(accountId: string, region = REGION): Promise<AwsSecurityFinding[]> {
  const client = new SecurityHubClient({
    region,
    endpoint: emulatorEndpoint(),
    credentials: await credentialsFor(accountId),
  });
  const findings: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new GetFindingsCommand({ MaxResults: 100, ...(NextToken ? { NextToken } : {}) }),
    );
    findings.push(...(page.Findings ?? []));
    NextToken = page.NextToken ?? undefined;
  } while (NextToken);
  client.destroy();
  return findings;
}

const bucketFinding = (findings: AwsSecurityFinding[], bucket: string) =>
  findings.find(
    (f) =>
      f.GeneratorId === 'estatescan/s3-bucket-versioning-disabled' &&
      f.ProductFields?.['estatescan/resourceId'] === bucket,
  );

async function scan(at: string, extra: string[] = [], endpoint = emulatorEndpoint()) {
  const io = captureIo(() => new Date(at));
  const code = await main(
    [
      'scan',
      '--accounts',
      `${prod},${dev}`,
      '--regions',
      REGION,
      '--rules',
      RULES,
      '-q',
      '-f',
      'json',
      '--security-hub',
      ...extra,
    ],
    { endpoint, region: REGION, interactive: false },
    io,
  );
  return { code, err: io.err.join(''), report: JSON.parse(io.out.join('') || '{}') };
}

/** BatchUpdateFindings as the API reference answers it: every finding processed. */
function batchUpdateStandIn(seen: InterceptedRequest[]) {
  return (request: InterceptedRequest) => {
    if (request.method !== 'PATCH' || !request.path?.startsWith('/findings/batchupdate')) return undefined;
    seen.push(request);
    const { FindingIdentifiers } = JSON.parse(request.body) as { FindingIdentifiers: unknown[] };
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ProcessedFindings: FindingIdentifiers, UnprocessedFindings: [] }),
    };
  };
}

describe('estatescan scan --security-hub (emulator)', () => {
  let proxy: InterceptProxy | undefined;

  beforeEach(async () => {
    await resetEmulator();
    process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
    await seedDemoEstate(emulatorEndpoint());
  });

  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  it("imports each finding into its own account's Security Hub, with that account's default product", async () => {
    // Act
    const { code, err, report } = await scan('2026-11-25T12:00:00Z');

    // Assess
    expect(code).toBe(0);
    expect(err).toMatch(/Security Hub: 5 created, 0 updated, 0 archived/);
    for (const accountId of [prod, dev]) {
      const stored = await hubFindings(accountId);
      const expected = (report.findings as { accountId: string; findingId: string }[]).filter(
        (f) => f.accountId === accountId,
      );
      expect(stored.map((f) => f.Id).sort()).toEqual(expected.map((f) => f.findingId).sort());
      for (const f of stored) {
        expect(f.AwsAccountId).toBe(accountId);
        expect(f.ProductArn).toBe(`arn:aws:securityhub:${REGION}:${accountId}:product/${accountId}/default`);
        expect(f.FindingProviderFields?.Severity?.Label).toBeTruthy();
      }
    }
    expect(await hubFindings(HUB_ACCOUNT)).toEqual([]);
  });

  it('updates on a rescan instead of duplicating: same ids, first seen kept, a new severity in FindingProviderFields', async () => {
    // Prepare
    await scan('2026-11-25T12:00:00Z');
    const before = await hubFindings(prod);
    const dir = mkdtempSync(join(tmpdir(), 'estatescan-sh-'));
    const config = join(dir, 'estatescan.config.yml');
    writeFileSync(config, 'rules:\n  severity: { s3-bucket-versioning-disabled: critical }\n');

    // Act
    const { code, err } = await scan('2026-11-25T18:00:00Z', ['--config', config]);

    // Assess
    const after = await hubFindings(prod);
    expect(code).toBe(0);
    expect(err).toMatch(/Security Hub: 0 created, 5 updated, 0 archived/);
    expect(after.map((f) => f.Id).sort()).toEqual(before.map((f) => f.Id).sort());
    const logs = bucketFinding(after, 'acme-prod-logs');
    expect(logs).toMatchObject({
      CreatedAt: bucketFinding(before, 'acme-prod-logs')?.CreatedAt,
      FirstObservedAt: '2026-11-25T12:00:00.000Z',
      LastObservedAt: '2026-11-25T18:00:00.000Z',
      FindingProviderFields: { Severity: { Label: 'CRITICAL', Original: 'critical' } },
      RecordState: 'ACTIVE',
    });
  });

  it('archives a resolved finding as PASSED and creates the new one, on the next scan', async () => {
    // Prepare: acme-prod-logs gets versioning, acme-prod-invoices loses it.
    await scan('2026-11-25T12:00:00Z');
    await changeDemoEstate(emulatorEndpoint());

    // Act
    const { code, err } = await scan('2026-11-25T18:00:00Z');

    // Assess
    const stored = await hubFindings(prod);
    expect(code).toBe(0);
    expect(err).toMatch(/Security Hub: 1 created, 4 updated, 1 archived/);
    expect(bucketFinding(stored, 'acme-prod-logs')).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
      UpdatedAt: '2026-11-25T18:00:00.000Z',
    });
    expect(bucketFinding(stored, 'acme-prod-invoices')).toMatchObject({
      RecordState: 'ACTIVE',
      Compliance: { Status: 'FAILED' },
    });
  });

  it('leaves findings of rules this run did not evaluate as they are', async () => {
    // Prepare
    await scan('2026-11-25T12:00:00Z');

    // Act: a run of one rule only.
    const io = captureIo(() => new Date('2026-11-25T18:00:00Z'));
    const code = await main(
      [
        'scan',
        '--accounts',
        prod,
        '--regions',
        REGION,
        '--rules',
        'ecr-repository-public',
        '-q',
        '-f',
        'json',
        '--security-hub',
      ],
      { endpoint: emulatorEndpoint(), region: REGION, interactive: false },
      io,
    );

    // Assess
    expect(code).toBe(0);
    expect((await hubFindings(prod)).every((f) => f.RecordState === 'ACTIVE')).toBe(true);
  });

  it('suppresses a suppressed finding through BatchUpdateFindings, with its reason in the note (BatchUpdateFindings answered by a stand-in shaped like the API reference: moto lacks it)', async () => {
    // Prepare
    const updates: InterceptedRequest[] = [];
    proxy = await startInterceptProxy(emulatorEndpoint(), batchUpdateStandIn(updates));
    const dir = mkdtempSync(join(tmpdir(), 'estatescan-sh-'));
    const config = join(dir, 'estatescan.config.yml');
    writeFileSync(
      config,
      [
        'suppressions:',
        '  - rule: s3-bucket-versioning-disabled',
        '    resource: acme-prod-logs',
        '    reason: rewritten daily from the pipeline',
        '    owner: platform@acme.example',
        '    expires: 2027-01-31',
      ].join('\n'),
    );

    // Act
    const { code, err, report } = await scan('2026-11-25T12:00:00Z', ['--config', config], proxy.endpoint);

    // Assess
    expect(code).toBe(0);
    expect(err).toMatch(/1 suppressed/);
    const suppressed = (report.findings as { findingId: string; status: string }[]).find(
      (f) => f.status === 'suppressed',
    );
    expect(updates.map((u) => JSON.parse(u.body))).toEqual([
      {
        FindingIdentifiers: [
          {
            Id: suppressed?.findingId,
            ProductArn: `arn:aws:securityhub:${REGION}:${prod}:product/${prod}/default`,
          },
        ],
        Workflow: { Status: 'SUPPRESSED' },
        Note: {
          Text: 'Suppressed in estatescan by platform@acme.example until 2027-01-31T23:59:59.999Z: rewritten daily from the pipeline',
          UpdatedBy: NOTE_AUTHOR,
        },
      },
    ]);
    // The finding itself went through the emulator's import, suppression details included.
    expect(bucketFinding(await hubFindings(prod), 'acme-prod-logs')?.ProductFields).toMatchObject({
      'estatescan/suppression/owner': 'platform@acme.example',
    });
  });

  it('reports a refused call as an error and exits 3, the other account imported all the same (AccessDeniedException answered by a proxy as Security Hub words it)', async () => {
    // Prepare: the development account's role was deployed without SecurityHubImport.
    proxy = await startInterceptProxy(emulatorEndpoint(), (request) => {
      if (request.method !== 'POST' || request.path !== '/findings/import') return undefined;
      const { Findings } = JSON.parse(request.body) as { Findings: { AwsAccountId: string }[] };
      if (Findings[0]?.AwsAccountId !== dev) return undefined;
      return {
        status: 403,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
        body: JSON.stringify({
          message: `User: arn:aws:sts::${dev}:assumed-role/EstatescanReadOnly/estatescan is not authorized to perform: securityhub:BatchImportFindings`,
        }),
      };
    });

    // Act
    const { code, err } = await scan('2026-11-25T12:00:00Z', [], proxy.endpoint);

    // Assess
    expect(code).toBe(3);
    expect(err).toContain(
      `Security Hub ${dev} ${REGION}: securityhub:BatchImportFindings failed: AccessDeniedException`,
    );
    expect(err).toContain('SecurityHubImport=true');
    expect((await hubFindings(prod)).length).toBeGreaterThan(0);
    expect(await hubFindings(dev)).toEqual([]);
  });
});
