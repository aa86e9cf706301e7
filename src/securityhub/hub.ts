/**
 * What keeping findings in step with AWS Security Hub needs from it, in one account and Region:
 * read estatescan's active findings there, import findings, and change their workflow. An interface,
 * so the sync (`sync.ts`) is tested with an in-memory hub and the SDK adapter (`sdk-hub.ts`) against
 * the emulator.
 */
import type { AsffFinding, AsffWorkflowStatus } from '../report/asff.ts';

/**
 * A finding as `GetFindings` returns it: what estatescan imported, plus what Security Hub and its
 * users added (`Workflow`, `Note`, `ProcessedAt`…). Only the fields the sync reads are typed.
 */
export interface StoredFinding {
  Id: string;
  ProductArn: string;
  GeneratorId?: string;
  AwsAccountId?: string;
  Region?: string;
  CreatedAt?: string;
  FirstObservedAt?: string;
  UpdatedAt?: string;
  RecordState?: string;
  Workflow?: { Status?: string };
  Note?: { Text?: string; UpdatedBy?: string; UpdatedAt?: string };
  ProductFields?: Record<string, string>;
  Compliance?: Record<string, unknown> & { Status?: string };
  [field: string]: unknown;
}

/** A finding Security Hub refused (`FailedFindings`, `UnprocessedFindings`), as it said why. */
export interface RejectedFinding {
  id: string;
  code: string;
  message: string;
}

export interface WorkflowUpdate {
  findings: { Id: string; ProductArn: string }[];
  status: AsffWorkflowStatus;
  /** `Note.Text` ≤ 512 characters; `UpdatedBy` says who changed it (`estatescan`). */
  note: { Text: string; UpdatedBy: string };
}

export interface SecurityHubPort {
  /** estatescan's findings in this account and Region whose record state is ACTIVE. */
  activeFindings(): Promise<StoredFinding[]>;
  /** One `BatchImportFindings` call (≤ 100 findings): the findings it refused. */
  importFindings(findings: readonly (AsffFinding | StoredFinding)[]): Promise<RejectedFinding[]>;
  /** One `BatchUpdateFindings` call (≤ 100 findings): the findings it did not update. */
  updateWorkflow(update: WorkflowUpdate): Promise<RejectedFinding[]>;
}
