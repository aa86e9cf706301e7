import { describe, expect, it } from 'vitest';
import type { TargetEvaluation } from '../../../src/engine/evaluate.ts';
import type { Finding, Severity } from '../../../src/findings/types.ts';
import { toAsff } from '../../../src/report/asff.ts';
import type { StoredFinding } from '../../../src/securityhub/hub.ts';
import { NOTE_AUTHOR, syncReport, syncTarget, type TargetSyncInput } from '../../../src/securityhub/sync.ts';
import { DATA, makeFinding, makeReport, PROD } from '../../fixtures/report.ts';
import { InMemorySecurityHub } from '../../support/in-memory-security-hub.ts';

const REGION = 'eu-west-1';
const RULE = 's3-bucket-versioning-disabled';

interface Spec {
  bucket: string;
  severity?: Severity;
  suppressed?: boolean;
  ruleId?: string;
}

/** The findings of one scan of PROD eu-west-1 at `at`, as the CLI (without a store) sees them. */
function scan(
  at: string,
  specs: Spec[],
  evaluatedRules = [RULE],
  unevaluated: Record<string, string[]> = {},
) {
  const findings: Finding[] = specs.map((s) =>
    makeFinding({
      ruleId: s.ruleId ?? RULE,
      severity: s.severity ?? 'medium',
      accountId: PROD,
      region: REGION,
      resourceType: 'AwsS3Bucket',
      resourceId: s.bucket,
      message: `S3 bucket ${s.bucket} has never had versioning enabled.`,
      evidence: { versioning: 'Never' },
      remediation: 'Enable versioning.',
      firstSeen: at,
      lastSeen: at,
      ...(s.suppressed
        ? {
            status: 'suppressed' as const,
            suppression: { reason: 'scratch data', owner: 'data@acme.example', expiresAt: '2027-01-31' },
          }
        : {}),
    }),
  );
  const report = makeReport({ findings, runId: `run-${at}` });
  const input: TargetSyncInput = {
    accountId: PROD,
    region: REGION,
    findings: findings.map((f) => toAsff(f, report)),
    evaluatedRules,
    unevaluatedResources: unevaluated,
    now: at,
    runId: report.runId,
  };
  return { findings, input };
}

const T1 = '2026-11-01T06:00:00.000Z';
const T2 = '2026-11-01T12:00:00.000Z';
const T3 = '2026-11-01T18:00:00.000Z';

const stored = (hub: InMemorySecurityHub, bucket: string, ruleId = RULE) =>
  [...hub.findings.values()].find(
    (f) => f.ProductFields?.['estatescan/resourceId'] === bucket && f.GeneratorId === `estatescan/${ruleId}`,
  );

describe('syncTarget', () => {
  it('imports every finding in calls of at most 100, into the default product of its own account', async () => {
    // Prepare
    const hub = new InMemorySecurityHub(PROD, REGION);
    const { input } = scan(
      T1,
      Array.from({ length: 250 }, (_, i) => ({ bucket: `bucket-${i}` })),
    );

    // Act
    const result = await syncTarget(hub, input);

    // Assess
    expect(result).toMatchObject({ created: 250, updated: 0, archived: 0, rejected: [], errors: [] });
    expect(hub.calls.map((c) => [c.operation, c.size])).toEqual([
      ['GetFindings', 0],
      ['BatchImportFindings', 100],
      ['BatchImportFindings', 100],
      ['BatchImportFindings', 50],
    ]);
    expect(result.calls).toEqual({ 'securityhub:GetFindings': 1, 'securityhub:BatchImportFindings': 3 });
    expect(hub.findings.size).toBe(250);
    for (const f of hub.findings.values()) {
      expect(f.ProductArn).toBe(`arn:aws:securityhub:${REGION}:${PROD}:product/${PROD}/default`);
    }
  });

  it('updates the same findings on a rescan: no duplicate, first seen kept, a new severity through FindingProviderFields', async () => {
    // Prepare
    const hub = new InMemorySecurityHub(PROD, REGION);
    await syncTarget(hub, scan(T1, [{ bucket: 'a' }, { bucket: 'b' }]).input);

    // Act
    const result = await syncTarget(
      hub,
      scan(T2, [{ bucket: 'a', severity: 'critical' }, { bucket: 'b' }]).input,
    );

    // Assess
    expect(result).toMatchObject({ created: 0, updated: 2, archived: 0 });
    expect(hub.findings.size).toBe(2);
    const a = stored(hub, 'a')!;
    expect(a).toMatchObject({
      CreatedAt: T1,
      FirstObservedAt: T1,
      LastObservedAt: T2,
      UpdatedAt: T2,
      Severity: { Label: 'CRITICAL' },
      RecordState: 'ACTIVE',
    });
  });

  it('moves UpdatedAt forward when a rescan carries the same time, so Security Hub takes it', async () => {
    // Prepare
    const hub = new InMemorySecurityHub(PROD, REGION);
    await syncTarget(hub, scan(T1, [{ bucket: 'a' }]).input);
    const again = scan(T1, [{ bucket: 'a', severity: 'high' }]).input;

    // Act
    await syncTarget(hub, { ...again, now: T2 });

    // Assess
    expect(stored(hub, 'a')).toMatchObject({ UpdatedAt: T2, Severity: { Label: 'HIGH' } });
  });

  it('archives a finding the scan no longer reports as PASSED, unless its rule was not evaluated or its resource not seen', async () => {
    // Prepare: a, b and c fail; then b is fixed, c could not be read, and another rule is not evaluated.
    const hub = new InMemorySecurityHub(PROD, REGION);
    await syncTarget(
      hub,
      scan(
        T1,
        [{ bucket: 'a' }, { bucket: 'b' }, { bucket: 'c' }, { bucket: 'a', ruleId: 'other-rule' }],
        [RULE, 'other-rule'],
      ).input,
    );

    // Act
    const result = await syncTarget(hub, scan(T2, [{ bucket: 'a' }], [RULE], { [RULE]: ['c'] }).input);

    // Assess
    expect(result).toMatchObject({ updated: 1, archived: 1 });
    expect(stored(hub, 'b')).toMatchObject({
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
      UpdatedAt: T2,
      CreatedAt: T1,
    });
    expect(stored(hub, 'b')?.ProductFields).toMatchObject({
      'estatescan/resolvedAt': T2,
      'estatescan/runId': `run-${T2}`,
    });
    expect(stored(hub, 'c')).toMatchObject({ RecordState: 'ACTIVE', Compliance: { Status: 'FAILED' } });
    expect(stored(hub, 'a', 'other-rule')).toMatchObject({ RecordState: 'ACTIVE' });
  });

  it('reopens an archived finding that fails again: ACTIVE, FAILED and workflow NEW', async () => {
    // Prepare
    const hub = new InMemorySecurityHub(PROD, REGION);
    await syncTarget(hub, scan(T1, [{ bucket: 'a' }]).input);
    await syncTarget(hub, scan(T2, []).input);

    // Act
    const result = await syncTarget(hub, scan(T3, [{ bucket: 'a' }]).input);

    // Assess
    expect(result.created + result.updated).toBe(1);
    expect(hub.findings.size).toBe(1);
    expect(stored(hub, 'a')).toMatchObject({
      RecordState: 'ACTIVE',
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
    });
  });

  it('suppresses through BatchUpdateFindings with the reason in the note, once, and lifts only its own suppression', async () => {
    // Prepare: a suppressed in estatescan; b suppressed by a person in Security Hub.
    const hub = new InMemorySecurityHub(PROD, REGION);
    await syncTarget(hub, scan(T1, [{ bucket: 'a' }, { bucket: 'b' }]).input);
    const b = stored(hub, 'b')!;
    b.Workflow = { Status: 'SUPPRESSED' };
    b.Note = { Text: 'accepted risk', UpdatedBy: 'alice' };

    // Act
    const first = await syncTarget(hub, scan(T2, [{ bucket: 'a', suppressed: true }, { bucket: 'b' }]).input);
    const second = await syncTarget(
      hub,
      scan(T3, [{ bucket: 'a', suppressed: true }, { bucket: 'b' }]).input,
    );
    const suppressedA = structuredClone(stored(hub, 'a'));
    const lifted = await syncTarget(
      hub,
      scan('2026-11-02T00:00:00.000Z', [{ bucket: 'a' }, { bucket: 'b' }]).input,
    );

    // Assess
    expect(first.suppressed).toBe(1);
    expect(second.suppressed).toBe(0);
    expect(second.calls['securityhub:BatchUpdateFindings']).toBeUndefined();
    expect(suppressedA).toMatchObject({
      Workflow: { Status: 'SUPPRESSED' },
      Note: { UpdatedBy: NOTE_AUTHOR },
    });
    expect(suppressedA?.Note?.Text).toBe(
      'Suppressed in estatescan by data@acme.example until 2027-01-31: scratch data',
    );
    expect(lifted.unsuppressed).toBe(1);
    expect(stored(hub, 'a')?.Workflow?.Status).toBe('NEW');
    expect(stored(hub, 'b')).toMatchObject({
      Workflow: { Status: 'SUPPRESSED' },
      Note: { UpdatedBy: 'alice' },
    });
  });

  it('reports every refused finding and failed call, and sends no workflow change for a refused finding', async () => {
    // Prepare
    const hub = new InMemorySecurityHub(PROD, REGION);
    const { input, findings } = scan(T1, [{ bucket: 'a', suppressed: true }, { bucket: 'b' }]);
    hub.refuse.set(findings[0]!.findingId, 'Finding is too large');

    // Act
    const result = await syncTarget(hub, input);
    hub.failNext.import = Object.assign(new Error('User is not authorized'), {
      name: 'AccessDeniedException',
    });
    const denied = await syncTarget(hub, scan(T2, [{ bucket: 'b' }]).input);

    // Assess
    expect(result.rejected).toEqual([
      {
        operation: 'securityhub:BatchImportFindings',
        id: findings[0]!.findingId,
        code: 'InvalidInput',
        message: 'Finding is too large',
      },
    ]);
    expect(result).toMatchObject({ created: 1, suppressed: 0 });
    expect(result.calls['securityhub:BatchUpdateFindings']).toBeUndefined();
    expect(denied.errors).toEqual([
      {
        operation: 'securityhub:BatchImportFindings',
        code: 'AccessDeniedException',
        message: 'User is not authorized',
      },
    ]);
    expect(denied).toMatchObject({ created: 0, updated: 0 });
  });

  it('stops a target whose findings cannot be read, rather than import blind', async () => {
    // Prepare
    const hub = new InMemorySecurityHub(PROD, REGION);
    hub.failNext.get = Object.assign(new Error('Account is not subscribed to AWS Security Hub'), {
      name: 'InvalidAccessException',
    });

    // Act
    const result = await syncTarget(hub, scan(T1, [{ bucket: 'a' }]).input);

    // Assess
    expect(result.errors).toEqual([
      {
        operation: 'securityhub:GetFindings',
        code: 'InvalidAccessException',
        message: 'Account is not subscribed to AWS Security Hub',
      },
    ]);
    expect(hub.calls.map((c) => c.operation)).toEqual(['GetFindings']);
  });

  it("never archives what is not estatescan's, or of another account or Region", async () => {
    // Prepare: the emulator ignores GetFindings filters, so the sync filters too.
    const hub = new InMemorySecurityHub(PROD, REGION);
    const foreign: StoredFinding[] = [
      {
        Id: 'x',
        ProductArn: 'p',
        GeneratorId: 'aws-foundational',
        AwsAccountId: PROD,
        Region: REGION,
        RecordState: 'ACTIVE',
      },
      {
        Id: 'y',
        ProductArn: 'p',
        GeneratorId: `estatescan/${RULE}`,
        AwsAccountId: DATA,
        Region: REGION,
        RecordState: 'ACTIVE',
      },
      {
        Id: 'z',
        ProductArn: 'p',
        GeneratorId: `estatescan/${RULE}`,
        AwsAccountId: PROD,
        Region: 'us-east-1',
        RecordState: 'ACTIVE',
      },
    ];
    hub.activeFindings = async () => foreign;

    // Act
    const result = await syncTarget(hub, scan(T1, []).input);

    // Assess
    expect(result.archived).toBe(0);
    expect(result.calls['securityhub:BatchImportFindings']).toBeUndefined();
  });
});

describe('syncReport', () => {
  it("syncs each evaluated target with that target's own hub, and leaves unscanned targets alone", async () => {
    // Prepare
    const report = makeReport();
    const hubs = new Map<string, InMemorySecurityHub>();
    const evaluation = (accountId: string, region: string): TargetEvaluation => ({
      accountId,
      region,
      findings: [],
      evaluatedRules: [],
      unevaluatedResources: {},
      skippedRules: [],
    });
    const evaluations = [evaluation(PROD, 'eu-west-1'), evaluation(DATA, 'eu-west-1')];

    // Act
    const results = await syncReport(report, evaluations, {
      hubFor: (accountId, region) => {
        const hub = new InMemorySecurityHub(accountId, region);
        hubs.set(`${accountId}/${region}`, hub);
        return hub;
      },
      concurrency: 2,
      now: '2026-09-15T07:00:00.000Z',
    });

    // Assess
    expect(results.map((r) => `${r.accountId}/${r.region}`)).toEqual([
      `${PROD}/eu-west-1`,
      `${DATA}/eu-west-1`,
    ]);
    expect([...hubs.keys()]).toEqual([`${PROD}/eu-west-1`, `${DATA}/eu-west-1`]);
    for (const [key, hub] of hubs) {
      const [accountId, region] = key.split('/');
      const expected = report.findings.filter((f) => f.accountId === accountId && f.region === region);
      expect(hub.findings.size).toBe(expected.length);
      for (const f of hub.findings.values()) expect(f.AwsAccountId).toBe(accountId);
    }
    expect(results.flatMap((r) => r.rejected)).toEqual([]);
  });
});
