/**
 * The Security Hub adapter's requests and how it reads the answers. BatchUpdateFindings is answered
 * by aws-sdk-client-mock with responses shaped as the API reference documents them, because moto
 * 5.2 does not implement it; the import and GetFindings also run against the emulator
 * (test/integration/securityhub/security-hub.test.ts).
 */
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SdkSecurityHub } from '../../../src/securityhub/sdk-hub.ts';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const PRODUCT = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;

const mock = mockClient(SecurityHubClient);
const hub = () =>
  new SdkSecurityHub(
    new SecurityHubClient({
      region: REGION,
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
    }),
    ACCOUNT,
    REGION,
  );

afterEach(() => mock.reset());

describe('SdkSecurityHub', () => {
  it("reads estatescan's active findings of its account and Region, every page", async () => {
    // Prepare
    mock
      .on(GetFindingsCommand)
      .resolvesOnce({ Findings: [{ Id: 'a', ProductArn: PRODUCT } as never], NextToken: 't1' })
      .resolvesOnce({ Findings: [{ Id: 'b', ProductArn: PRODUCT } as never] });

    // Act
    const found = await hub().activeFindings();

    // Assess
    expect(found.map((f) => f.Id)).toEqual(['a', 'b']);
    const calls = mock.commandCalls(GetFindingsCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      Filters: {
        GeneratorId: [{ Value: 'estatescan/', Comparison: 'PREFIX' }],
        AwsAccountId: [{ Value: ACCOUNT, Comparison: 'EQUALS' }],
        Region: [{ Value: REGION, Comparison: 'EQUALS' }],
        RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
      },
      MaxResults: 100,
    });
  });

  it('turns FailedFindings of BatchImportFindings into rejected findings', async () => {
    // Prepare
    mock.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 1,
      FailedFindings: [{ Id: 'b', ErrorCode: 'InvalidInput', ErrorMessage: 'Finding size exceeded 240 KB' }],
    });

    // Act
    const rejected = await hub().importFindings([{ Id: 'a' }, { Id: 'b' }]);

    // Assess
    expect(rejected).toEqual([{ id: 'b', code: 'InvalidInput', message: 'Finding size exceeded 240 KB' }]);
    expect(mock.commandCalls(BatchImportFindingsCommand)[0]?.args[0].input.Findings).toHaveLength(2);
  });

  it('sends BatchUpdateFindings with the identifiers, workflow and note, and reads UnprocessedFindings (client mock shaped like the API reference: moto lacks BatchUpdateFindings)', async () => {
    // Prepare
    mock.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [{ Id: 'a', ProductArn: PRODUCT }],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: 'b', ProductArn: PRODUCT },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'Finding not found',
        },
      ],
    });

    // Act
    const rejected = await hub().updateWorkflow({
      findings: [
        { Id: 'a', ProductArn: PRODUCT },
        { Id: 'b', ProductArn: PRODUCT },
      ],
      status: 'SUPPRESSED',
      note: {
        Text: 'Suppressed in estatescan by data@acme.example until 2027-01-31: scratch',
        UpdatedBy: 'estatescan',
      },
    });

    // Assess
    expect(mock.commandCalls(BatchUpdateFindingsCommand)[0]?.args[0].input).toEqual({
      FindingIdentifiers: [
        { Id: 'a', ProductArn: PRODUCT },
        { Id: 'b', ProductArn: PRODUCT },
      ],
      Workflow: { Status: 'SUPPRESSED' },
      Note: {
        Text: 'Suppressed in estatescan by data@acme.example until 2027-01-31: scratch',
        UpdatedBy: 'estatescan',
      },
    });
    expect(rejected).toEqual([{ id: 'b', code: 'FindingNotFound', message: 'Finding not found' }]);
  });

  it('lets a failed call throw, for the sync to report (client mock: an AccessDeniedException as the API reference names it)', async () => {
    // Prepare
    mock.on(BatchUpdateFindingsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: securityhub:BatchUpdateFindings'), {
        name: 'AccessDeniedException',
      }),
    );

    // Act / Assess
    await expect(
      hub().updateWorkflow({
        findings: [{ Id: 'a', ProductArn: PRODUCT }],
        status: 'NEW',
        note: { Text: 'x', UpdatedBy: 'estatescan' },
      }),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
