/**
 * An in-memory Security Hub of one account and Region for the sync's unit tests, following the
 * documented rules the emulator does not (moto 5.2 keeps the last import whole and lacks
 * BatchUpdateFindings):
 * - a finding of the default product is accepted only with this account's `AwsAccountId`;
 * - an existing finding is replaced only when `UpdatedAt` moves forward, and then keeps its
 *   `Workflow` and `Note` (import cannot change them) and takes a new severity only from
 *   `FindingProviderFields`;
 * - `RecordState` ARCHIVED → ACTIVE, or `Compliance` PASSED → FAILED, resets `Workflow` to NEW;
 * - `BatchUpdateFindings` changes `Workflow` and `Note` of existing findings only.
 */
import type { AsffFinding } from '../../src/report/asff.ts';
import type {
  RejectedFinding,
  SecurityHubPort,
  StoredFinding,
  WorkflowUpdate,
} from '../../src/securityhub/hub.ts';

export class InMemorySecurityHub implements SecurityHubPort {
  readonly findings = new Map<string, StoredFinding>();
  readonly calls: { operation: string; size: number }[] = [];
  /** Makes the next call of an operation throw this error. */
  failNext: Partial<Record<'get' | 'import' | 'update', Error>> = {};
  /** Ids the hub refuses on import, with the error it gives. */
  refuse = new Map<string, string>();

  constructor(
    readonly accountId: string,
    readonly region: string,
  ) {}

  async activeFindings(): Promise<StoredFinding[]> {
    this.calls.push({ operation: 'GetFindings', size: 0 });
    this.#fail('get');
    return [...this.findings.values()]
      .filter((f) => f.RecordState !== 'ARCHIVED' && f.GeneratorId?.startsWith('estatescan/'))
      .map((f) => structuredClone(f));
  }

  async importFindings(findings: readonly (AsffFinding | StoredFinding)[]): Promise<RejectedFinding[]> {
    this.calls.push({ operation: 'BatchImportFindings', size: findings.length });
    this.#fail('import');
    if (findings.length > 100) throw new Error('InvalidInputException: at most 100 findings');
    const rejected: RejectedFinding[] = [];
    for (const incoming of findings as StoredFinding[]) {
      const refusal = this.refuse.get(incoming.Id);
      if (refusal) {
        rejected.push({ id: incoming.Id, code: 'InvalidInput', message: refusal });
        continue;
      }
      if (incoming.AwsAccountId !== this.accountId) {
        rejected.push({ id: incoming.Id, code: 'AccessDeniedException', message: 'not this account' });
        continue;
      }
      const stored = this.findings.get(incoming.Id);
      if (!stored) {
        this.findings.set(incoming.Id, { ...structuredClone(incoming), Workflow: { Status: 'NEW' } });
        continue;
      }
      if (!(String(incoming.UpdatedAt) > String(stored.UpdatedAt))) continue;
      const provider = (incoming as Partial<AsffFinding>).FindingProviderFields;
      const reset =
        (stored.RecordState === 'ARCHIVED' && incoming.RecordState === 'ACTIVE') ||
        (stored.Compliance?.Status === 'PASSED' && incoming.Compliance?.Status === 'FAILED');
      this.findings.set(incoming.Id, {
        ...structuredClone(incoming),
        Severity: provider?.Severity ?? stored.Severity,
        Workflow: reset ? { Status: 'NEW' } : stored.Workflow,
        ...(stored.Note ? { Note: stored.Note } : {}),
      });
    }
    return rejected;
  }

  async updateWorkflow(update: WorkflowUpdate): Promise<RejectedFinding[]> {
    this.calls.push({ operation: 'BatchUpdateFindings', size: update.findings.length });
    this.#fail('update');
    const rejected: RejectedFinding[] = [];
    for (const { Id } of update.findings) {
      const stored = this.findings.get(Id);
      if (!stored) {
        rejected.push({ id: Id, code: 'FindingNotFound', message: 'no such finding' });
        continue;
      }
      stored.Workflow = { Status: update.status };
      stored.Note = { ...update.note };
    }
    return rejected;
  }

  #fail(operation: 'get' | 'import' | 'update'): void {
    const error = this.failNext[operation];
    if (error) {
      delete this.failNext[operation];
      throw error;
    }
  }
}
