import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  type Account,
  ListAccountsCommand,
  OrganizationsClient,
  OrganizationsServiceException,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultAssumeRoleSettings } from '../../../src/aws/credentials.ts';
import { ScanSession } from '../../../src/aws/session.ts';
import { enabledRegions, organizationAccounts, PlanError, planTargets } from '../../../src/scan/plan.ts';

const HUB = '123456789012';
const MEMBER_A = '111111111111';
const MEMBER_B = '222222222222';
const MEMBER_C = '333333333333';
const HOME_REGION = 'us-east-1';

const stsMock = mockClient(STSClient);
const ec2Mock = mockClient(EC2Client);
const organizationsMock = mockClient(OrganizationsClient);

let session: ScanSession;

beforeEach(async () => {
  stsMock.on(GetCallerIdentityCommand).resolves({ Account: HUB, Arn: `arn:aws:iam::${HUB}:user/ci` });
  session = await ScanSession.create({
    aws: { maxAttempts: 1, retryMode: 'standard' },
    assumeRole: defaultAssumeRoleSettings,
    homeRegion: HOME_REGION,
  });
});

afterEach(() => {
  session.destroy();
  stsMock.reset();
  ec2Mock.reset();
  organizationsMock.reset();
});

/** As DescribeRegions answers with AllRegions: every region, enabled or not. */
const allRegions = {
  Regions: [
    { RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' },
    { RegionName: 'eu-west-1', Endpoint: 'ec2.eu-west-1.amazonaws.com', OptInStatus: 'opt-in-not-required' },
    { RegionName: 'af-south-1', Endpoint: 'ec2.af-south-1.amazonaws.com', OptInStatus: 'opted-in' },
    { RegionName: 'ap-east-1', Endpoint: 'ec2.ap-east-1.amazonaws.com', OptInStatus: 'not-opted-in' },
    { RegionName: 'me-south-1', Endpoint: 'ec2.me-south-1.amazonaws.com', OptInStatus: 'not-opted-in' },
  ],
};

function organizationsError(name: string, message: string) {
  return new OrganizationsServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message,
  });
}

describe('enabledRegions', () => {
  it('keeps the regions that need no opt-in or are opted in, sorted', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves(allRegions);

    // Act
    const regions = await enabledRegions(session, MEMBER_A);

    // Assess
    expect(regions).toEqual(['af-south-1', 'eu-west-1', 'us-east-1']);
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)[0]?.args[0].input).toEqual({ AllRegions: true });
  });

  it('keeps a region that reports no opt-in status at all', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'eu-central-1' }, {}] });

    // Act
    const regions = await enabledRegions(session, MEMBER_A);

    // Assess
    expect(regions).toEqual(['eu-central-1']);
  });
});

describe('planTargets', () => {
  it("scans the caller's own account in the default region when nothing is given", async () => {
    // Act
    const plan = await planTargets(session, { defaultRegion: 'eu-west-1' });

    // Assess
    expect(plan).toEqual({ targets: [{ accountId: HUB, region: 'eu-west-1' }], errors: [] });
  });

  it('crosses explicit accounts with explicit regions, without duplicates or excluded accounts', async () => {
    // Act
    const plan = await planTargets(session, {
      accounts: [MEMBER_A, MEMBER_B, MEMBER_A, MEMBER_C],
      excludeAccounts: [MEMBER_C],
      regions: ['eu-west-1', 'us-east-1'],
      defaultRegion: 'eu-central-1',
    });

    // Assess
    expect(plan.targets).toEqual([
      { accountId: MEMBER_A, region: 'eu-west-1' },
      { accountId: MEMBER_A, region: 'us-east-1' },
      { accountId: MEMBER_B, region: 'eu-west-1' },
      { accountId: MEMBER_B, region: 'us-east-1' },
    ]);
    expect(plan.errors).toEqual([]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it("asks each account for its enabled regions with 'all', and records an account that could not answer", async () => {
    // Prepare
    ec2Mock
      .on(DescribeRegionsCommand)
      .resolvesOnce(allRegions)
      .rejectsOnce(
        new EC2ServiceException({
          name: 'UnauthorizedOperation',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'You are not authorized to perform this operation.',
        }),
      );

    // Act
    const plan = await planTargets(session, {
      accounts: [MEMBER_A, MEMBER_B],
      regions: 'all',
      defaultRegion: 'eu-west-1',
    });

    // Assess
    expect(plan.targets).toEqual([
      { accountId: MEMBER_A, region: 'af-south-1' },
      { accountId: MEMBER_A, region: 'eu-west-1' },
      { accountId: MEMBER_A, region: 'us-east-1' },
    ]);
    expect(plan.errors).toEqual([
      {
        accountId: MEMBER_B,
        region: HOME_REGION,
        source: 'plan',
        operation: 'ec2:DescribeRegions',
        code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
      },
    ]);
  });

  it('plans the active members of the organization, less the excluded ones', async () => {
    // Prepare
    organizationsMock.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: HUB, Status: 'ACTIVE' },
        { Id: MEMBER_A, Status: 'ACTIVE' },
        { Id: MEMBER_B, Status: 'ACTIVE' },
      ],
    });

    // Act
    const plan = await planTargets(session, {
      accounts: 'organization',
      excludeAccounts: [HUB],
      regions: ['eu-west-1'],
      defaultRegion: 'eu-west-1',
    });

    // Assess
    expect(plan.targets).toEqual([
      { accountId: MEMBER_A, region: 'eu-west-1' },
      { accountId: MEMBER_B, region: 'eu-west-1' },
    ]);
  });
});

describe('organizationAccounts', () => {
  it('keeps ACTIVE accounts across pages, by State or by the deprecated Status', async () => {
    // Prepare
    organizationsMock
      .on(ListAccountsCommand)
      .resolves({
        Accounts: [
          { Id: HUB, Status: 'ACTIVE' },
          { Id: MEMBER_A, Status: 'SUSPENDED' },
        ],
        NextToken: 'page-2',
      })
      .on(ListAccountsCommand, { NextToken: 'page-2' })
      .resolves({
        Accounts: [
          { Id: MEMBER_B, State: 'ACTIVE' } as Account,
          { Id: MEMBER_C, State: 'PENDING_CLOSURE', Status: 'ACTIVE' } as Account,
          { Status: 'ACTIVE' },
        ],
      });

    // Act
    const accounts = await organizationAccounts(session);

    // Assess
    expect(accounts).toEqual([HUB, MEMBER_B]);
    expect(organizationsMock.commandCalls(ListAccountsCommand)).toHaveLength(2);
  });

  it('turns a failure into a PlanError that says where to run from', async () => {
    // Prepare
    const cause = organizationsError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
    );
    organizationsMock.on(ListAccountsCommand).rejects(cause);

    // Act
    const error = await organizationAccounts(session).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PlanError);
    expect(error).toMatchObject({ name: 'PlanError', cause });
    expect((error as PlanError).message).toContain(
      "Could not list the organization's accounts (organizations:ListAccounts: AWSOrganizationsNotInUseException)",
    );
    expect((error as PlanError).message).toContain('--accounts');
  });

  it('fails the whole plan when a later page is denied, rather than planning a partial organization', async () => {
    // Prepare
    organizationsMock
      .on(ListAccountsCommand)
      .resolves({ Accounts: [{ Id: MEMBER_A, Status: 'ACTIVE' }], NextToken: 'page-2' })
      .on(ListAccountsCommand, { NextToken: 'page-2' })
      .rejects(
        organizationsError('AccessDeniedException', 'You don’t have permissions to access this resource.'),
      );

    // Act
    const planning = planTargets(session, { accounts: 'organization', defaultRegion: 'eu-west-1' });

    // Assess
    await expect(planning).rejects.toThrow(/organizations:ListAccounts: AccessDeniedException/);
  });
});
