/**
 * The Security Hub adapter: one `SecurityHubClient` of one account and Region, which must be that
 * account's own (with the default product ARN Security Hub accepts a finding only from the account
 * in its `AwsAccountId`). The scan session's clients are: the member role in member accounts, the
 * caller's credentials in its own.
 */
import {
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  paginateGetFindings,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { GENERATOR_PREFIX } from '../report/asff.ts';
import type { RejectedFinding, SecurityHubPort, StoredFinding, WorkflowUpdate } from './hub.ts';

export class SdkSecurityHub implements SecurityHubPort {
  constructor(
    private readonly client: SecurityHubClient,
    readonly accountId: string,
    readonly region: string,
  ) {}

  async activeFindings(): Promise<StoredFinding[]> {
    const filters: AwsSecurityFindingFilters = {
      GeneratorId: [{ Value: GENERATOR_PREFIX, Comparison: 'PREFIX' }],
      AwsAccountId: [{ Value: this.accountId, Comparison: 'EQUALS' }],
      Region: [{ Value: this.region, Comparison: 'EQUALS' }],
      RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
    };
    const found: StoredFinding[] = [];
    for await (const page of paginateGetFindings(
      { client: this.client, pageSize: 100 },
      { Filters: filters, MaxResults: 100 },
    )) {
      for (const finding of page.Findings ?? []) {
        if (finding.Id && finding.ProductArn) found.push(finding as unknown as StoredFinding);
      }
    }
    return found;
  }

  async importFindings(findings: readonly object[]): Promise<RejectedFinding[]> {
    const response = await this.client.send(
      new BatchImportFindingsCommand({ Findings: findings as unknown as AwsSecurityFinding[] }),
    );
    return (response.FailedFindings ?? []).map((f) => ({
      id: f.Id ?? '',
      code: f.ErrorCode ?? 'Unknown',
      message: f.ErrorMessage ?? '',
    }));
  }

  async updateWorkflow(update: WorkflowUpdate): Promise<RejectedFinding[]> {
    const response = await this.client.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: update.findings.map(({ Id, ProductArn }) => ({ Id, ProductArn })),
        Workflow: { Status: update.status },
        Note: update.note,
      }),
    );
    return (response.UnprocessedFindings ?? []).map((f) => ({
      id: f.FindingIdentifier?.Id ?? '',
      code: f.ErrorCode ?? 'Unknown',
      message: f.ErrorMessage ?? '',
    }));
  }
}
