/**
 * `--security-hub`: keeps each target's findings in AWS Security Hub in step with the scan, using
 * Security Hub itself as the record of what was sent before (so it works with or without the
 * findings table):
 *
 * - every finding of the scan is imported (`BatchImportFindings`, ≤ 100 per call) with its stable id,
 *   so a rescan updates it instead of adding a duplicate; its `CreatedAt` and `FirstObservedAt` stay
 *   those Security Hub already has, and a changed severity travels in `FindingProviderFields`;
 * - an active estatescan finding this scan no longer reports is re-imported with `Compliance:
 *   PASSED` and `RecordState: ARCHIVED`, but only when its rule was evaluated on the target and its
 *   resource seen whole: as everywhere in estatescan, what could not be seen is never resolved;
 * - a suppressed finding gets `Workflow: SUPPRESSED` through `BatchUpdateFindings` (import cannot
 *   change the workflow of an existing finding), with the suppression's reason, owner and expiry
 *   in its note; when the suppression ends, the workflow estatescan set goes back to NEW. A workflow
 *   someone set in Security Hub is never touched.
 *
 * Every refused finding (`FailedFindings`, `UnprocessedFindings`) and every failed call is
 * reported, never dropped: the CLI lists them and exits 3.
 */
import { errorCode, errorMessage } from '../aws/errors.ts';
import type { TargetEvaluation } from '../engine/evaluate.ts';
import { chunk as chunks, mapWithConcurrency } from '../inventory/concurrency.ts';
import { type AsffFinding, asffLimits, GENERATOR_PREFIX, toAsff } from '../report/asff.ts';
import type { ScanReport } from '../report/types.ts';
import { cut } from '../text/sanitize.ts';
import type { RejectedFinding, SecurityHubPort, StoredFinding, WorkflowUpdate } from './hub.ts';

/** Who `Note.UpdatedBy` names when estatescan changed a workflow: how it knows its own. */
export const NOTE_AUTHOR = 'estatescan';
const NOTE_MAX = 512;

export type SecurityHubOperation =
  | 'securityhub:GetFindings'
  | 'securityhub:BatchImportFindings'
  | 'securityhub:BatchUpdateFindings';

export interface SyncFailure extends RejectedFinding {
  operation: SecurityHubOperation;
}

export interface SyncCallError {
  operation: SecurityHubOperation;
  code: string;
  message: string;
}

export interface TargetSyncResult {
  accountId: string;
  region: string;
  /** Findings created (not in Security Hub before) and updated, as accepted. */
  created: number;
  updated: number;
  /** Findings this scan no longer reports, archived with `Compliance: PASSED`. */
  archived: number;
  suppressed: number;
  /** Findings whose estatescan suppression ended, back to `Workflow: NEW`. */
  unsuppressed: number;
  /** Calls made, by operation. */
  calls: Partial<Record<SecurityHubOperation, number>>;
  /** Findings Security Hub refused. */
  rejected: SyncFailure[];
  /** Calls that failed as a whole (the findings they carried were not sent). */
  errors: SyncCallError[];
}

export interface TargetSyncInput {
  accountId: string;
  region: string;
  /** This target's findings, as `toAsff` builds them. */
  findings: readonly AsffFinding[];
  /** The rules evaluated on the target: only their findings may be archived. */
  evaluatedRules: readonly string[];
  /** Per rule, resources it could not see whole: their findings are not archived. */
  unevaluatedResources: Readonly<Record<string, readonly string[]>>;
  /** The sync's time (ISO): `UpdatedAt` of what it changes. */
  now: string;
  runId: string;
}

const earliest = (a: string | undefined, b: string) => (a && a < b ? a : b);

/** Fields Security Hub or its users own: never sent back on a re-import. */
const notImportable = new Set([
  'ProcessedAt',
  'Workflow',
  'WorkflowState',
  'Note',
  'UserDefinedFields',
  'VerificationState',
  'ProductName',
  'CompanyName',
]);

/**
 * An active finding the scan no longer reports, ready to re-import as passed and archived: the
 * stored finding without what Security Hub adds (`aws/securityhub/*` product fields included).
 */
export function archivedCopy(stored: StoredFinding, now: string, runId: string): StoredFinding {
  const copy: StoredFinding = { Id: stored.Id, ProductArn: stored.ProductArn };
  for (const [key, value] of Object.entries(stored)) if (!notImportable.has(key)) copy[key] = value;
  copy.ProductFields = {
    ...Object.fromEntries(Object.entries(stored.ProductFields ?? {}).filter(([k]) => !k.startsWith('aws/'))),
    'estatescan/runId': runId,
    'estatescan/resolvedAt': now,
  };
  copy.Compliance = { ...(stored.Compliance ?? {}), Status: 'PASSED' };
  copy.RecordState = 'ARCHIVED';
  copy.UpdatedAt = now;
  return copy;
}

function ruleOfStored(f: StoredFinding): string | undefined {
  return (
    f.ProductFields?.['estatescan/ruleId'] ??
    (f.GeneratorId?.startsWith(GENERATOR_PREFIX) ? f.GeneratorId.slice(GENERATOR_PREFIX.length) : undefined)
  );
}

function suppressionNote(f: AsffFinding): string {
  const p = f.ProductFields;
  return cut(
    `Suppressed in estatescan by ${p['estatescan/suppression/owner'] ?? 'unknown'} until ` +
      `${p['estatescan/suppression/expiresAt'] ?? 'unknown'}: ${p['estatescan/suppression/reason'] ?? ''}`,
    NOTE_MAX,
  );
}

const UNSUPPRESSED_NOTE =
  'The estatescan suppression of this finding ended (expired or removed): it is open again.';

/** Plans and makes one target's calls. */
export async function syncTarget(hub: SecurityHubPort, input: TargetSyncInput): Promise<TargetSyncResult> {
  const result: TargetSyncResult = {
    accountId: input.accountId,
    region: input.region,
    created: 0,
    updated: 0,
    archived: 0,
    suppressed: 0,
    unsuppressed: 0,
    calls: {},
    rejected: [],
    errors: [],
  };
  const call = async <T>(operation: SecurityHubOperation, run: () => Promise<T>): Promise<T | undefined> => {
    result.calls[operation] = (result.calls[operation] ?? 0) + 1;
    try {
      return await run();
    } catch (error) {
      result.errors.push({ operation, code: errorCode(error), message: errorMessage(error) });
      return undefined;
    }
  };

  const stored = await call('securityhub:GetFindings', () => hub.activeFindings());
  // Without what Security Hub holds, nothing can be kept in step: a blind import would reset first
  // seen dates and could not archive. The error says why.
  if (!stored) return result;
  const existing = new Map(
    stored
      .filter(
        (f) =>
          f.GeneratorId?.startsWith(GENERATOR_PREFIX) &&
          f.AwsAccountId === input.accountId &&
          f.Region === input.region &&
          f.RecordState !== 'ARCHIVED',
      )
      .map((f) => [f.Id, f]),
  );

  const current = input.findings.map((f): AsffFinding => {
    const before = existing.get(f.Id);
    if (!before) return f;
    return {
      ...f,
      CreatedAt: earliest(before.CreatedAt, f.CreatedAt),
      FirstObservedAt: earliest(before.FirstObservedAt, f.FirstObservedAt),
      // Security Hub keeps the stored finding unless UpdatedAt moves forward.
      UpdatedAt: before.UpdatedAt && before.UpdatedAt >= f.UpdatedAt ? input.now : f.UpdatedAt,
    };
  });
  const reported = new Set(current.map((f) => f.Id));
  const evaluated = new Set(input.evaluatedRules);
  const archives = [...existing.values()]
    .filter((f) => {
      if (reported.has(f.Id)) return false;
      const rule = ruleOfStored(f);
      if (!rule || !evaluated.has(rule)) return false;
      const unseen = input.unevaluatedResources[rule] ?? [];
      if (!unseen.length) return true;
      // A finding whose resource cannot be told (imported before estatescan recorded it) is
      // archived only when the rule saw every resource.
      const resource = f.ProductFields?.['estatescan/resourceId'];
      return resource !== undefined && !unseen.includes(resource);
    })
    .map((f) => archivedCopy(f, input.now, input.runId));

  const refused = new Set<string>();
  for (const batch of chunks<AsffFinding | StoredFinding>([...current, ...archives], asffLimits.batch)) {
    const rejected = await call('securityhub:BatchImportFindings', () => hub.importFindings(batch));
    if (!rejected) {
      for (const f of batch) refused.add(f.Id);
      continue;
    }
    for (const r of rejected) {
      refused.add(r.id);
      result.rejected.push({ ...r, operation: 'securityhub:BatchImportFindings' });
    }
  }
  for (const f of current) {
    if (refused.has(f.Id)) continue;
    if (existing.has(f.Id)) result.updated++;
    else result.created++;
  }
  result.archived = archives.filter((f) => !refused.has(f.Id)).length;

  // Workflow changes: suppress what estatescan suppresses, and undo only its own suppressions.
  const updates: WorkflowUpdate[] = [];
  const suppressNotes = new Map<string, AsffFinding[]>();
  const unsuppress: AsffFinding[] = [];
  for (const f of current) {
    if (refused.has(f.Id)) continue;
    const before = existing.get(f.Id);
    if (f.Workflow.Status === 'SUPPRESSED') {
      if (before?.Workflow?.Status === 'SUPPRESSED') continue;
      const note = suppressionNote(f);
      suppressNotes.set(note, [...(suppressNotes.get(note) ?? []), f]);
    } else if (before?.Workflow?.Status === 'SUPPRESSED' && before.Note?.UpdatedBy === NOTE_AUTHOR) {
      unsuppress.push(f);
    }
  }
  for (const [text, findings] of suppressNotes) {
    for (const batch of chunks(findings, asffLimits.batch)) {
      updates.push({ findings: batch, status: 'SUPPRESSED', note: { Text: text, UpdatedBy: NOTE_AUTHOR } });
    }
  }
  for (const batch of chunks(unsuppress, asffLimits.batch)) {
    updates.push({
      findings: batch,
      status: 'NEW',
      note: { Text: UNSUPPRESSED_NOTE, UpdatedBy: NOTE_AUTHOR },
    });
  }
  for (const update of updates) {
    const identifiers = update.findings.map(({ Id, ProductArn }) => ({ Id, ProductArn }));
    const rejected = await call('securityhub:BatchUpdateFindings', () =>
      hub.updateWorkflow({ ...update, findings: identifiers }),
    );
    if (!rejected) continue;
    for (const r of rejected) result.rejected.push({ ...r, operation: 'securityhub:BatchUpdateFindings' });
    const done = update.findings.length - rejected.length;
    if (update.status === 'SUPPRESSED') result.suppressed += done;
    else result.unsuppressed += done;
  }
  return result;
}

export interface RunSyncOptions {
  /** The Security Hub of one account and Region, reached with that account's credentials. */
  hubFor(accountId: string, region: string): SecurityHubPort;
  concurrency: number;
  now: string;
}

/**
 * Every target the scan evaluated, a few at once. Targets that could not be scanned have nothing to
 * send and are left as they are in Security Hub.
 */
export async function syncReport(
  report: ScanReport,
  evaluations: readonly TargetEvaluation[],
  options: RunSyncOptions,
): Promise<TargetSyncResult[]> {
  const asff = report.findings.map((f) => toAsff(f, report));
  return mapWithConcurrency([...evaluations], options.concurrency, (evaluation) =>
    syncTarget(options.hubFor(evaluation.accountId, evaluation.region), {
      accountId: evaluation.accountId,
      region: evaluation.region,
      findings: asff.filter((f) => f.AwsAccountId === evaluation.accountId && f.Region === evaluation.region),
      evaluatedRules: evaluation.evaluatedRules,
      unevaluatedResources: evaluation.unevaluatedResources,
      now: options.now,
      runId: report.runId,
    }),
  );
}

/** What to do about a call error, for the CLI's message. */
export function hintFor(code: string): string {
  if (code === 'InvalidAccessException') {
    return 'Security Hub is not enabled there: enable it, or leave the target out of --security-hub runs';
  }
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError/i.test(code)) {
    return 'the role may not send findings: deploy the member role with SecurityHubImport=true';
  }
  return '';
}
