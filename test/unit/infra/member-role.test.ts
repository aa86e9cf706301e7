import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  asArray,
  type PolicyStatement,
  parseCloudFormationYaml,
  roleStatements,
} from '../../../scripts/cloudformation.ts';
import { iamActionFor, securityHubOperations } from '../../../src/aws/iam-actions.ts';
import { memberAccountOperations } from '../../../src/scan/member-account-calls.ts';

const template = parseCloudFormationYaml(
  readFileSync(new URL('../../../infra/member-role.yml', import.meta.url), 'utf8'),
);
const roleIds = Object.entries(template.Resources)
  .filter(([, r]) => r.Type === 'AWS::IAM::Role')
  .map(([id]) => id);
const roleId = roleIds[0]!;
const role = template.Resources[roleId]!;
/** What the role grants as deployed by default (no opt-in parameter set). */
const statements = roleStatements(template, roleId, { unconditionalOnly: true });
const granted = statements.flatMap((s) => asArray(s.Action));
const securityHubPolicy = template.Resources.SecurityHubImportPolicy;
const trust = asArray(role.Properties?.AssumeRolePolicyDocument?.Statement as PolicyStatement[]);

/** Verbs that only read. Anything else (Put, Create, Update, Delete, Tag, Start…) is a write. */
const readVerbs = /^(Describe|Get|List)[A-Z]/;

describe('infra/member-role.yml', () => {
  it('declares one role, named by a parameter defaulting to EstatescanReadOnly', () => {
    // Assess
    expect(roleIds).toHaveLength(1);
    expect(role.Properties?.RoleName).toEqual({ Ref: 'RoleName' });
    expect(template.Parameters?.RoleName?.Default).toBe('EstatescanReadOnly');
  });

  it('grants only named read actions: no wildcard, no write verb, no NotAction, Allow only', () => {
    // Assess
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(statement.NotAction).toBeUndefined();
      expect(statement.NotResource).toBeUndefined();
    }
    for (const action of granted) {
      expect(action).not.toContain('*');
      expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      expect(action.split(':')[1]).toMatch(readVerbs);
    }
    expect(new Set(granted).size).toBe(granted.length);
  });

  it('grants exactly the IAM actions of the calls the collectors and the planner declare', () => {
    // Prepare
    const needed = [...new Set(memberAccountOperations.map(iamActionFor))].sort();

    // Assess
    expect([...granted].sort()).toEqual(needed);
  });

  it('is assumable only by the hub account, narrowed to its scanning roles, with the external id', () => {
    // Assess
    expect(trust).toHaveLength(1);
    const [statement] = trust;
    expect(statement?.Effect).toBe('Allow');
    expect(statement?.Action).toBe('sts:AssumeRole');
    expect(statement?.Principal).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
      AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' },
    });
    expect(statement?.Condition?.ArnLike).toEqual({ 'aws:PrincipalArn': { Ref: 'HubPrincipalArns' } });
    expect(template.Parameters?.HubPrincipalArns?.Type).toBe('CommaDelimitedList');
  });

  it('requires the external id whether or not an organization id is given, and the org id only when given', () => {
    // Prepare
    const equals = trust[0]?.Condition?.StringEquals as unknown as { 'Fn::If': [string, object, object] };

    // Assess
    const [condition, withOrg, withoutOrg] = equals['Fn::If'];
    expect(condition).toBe('HasOrganizationId');
    expect(withOrg).toEqual({
      'sts:ExternalId': { Ref: 'ExternalId' },
      'aws:PrincipalOrgID': { Ref: 'OrganizationId' },
    });
    expect(withoutOrg).toEqual({ 'sts:ExternalId': { Ref: 'ExternalId' } });
    expect(template.Conditions?.HasOrganizationId).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OrganizationId' }, ''] }],
    });
    expect(template.Parameters?.ExternalId?.Default).toBeUndefined();
    expect(template.Parameters?.OrganizationId?.Default).toBe('');
  });

  it('takes an external id of 16 characters or more, never echoed', () => {
    // Assess
    expect(template.Parameters?.ExternalId).toMatchObject({
      Type: 'String',
      MinLength: 16,
      MaxLength: 1224,
      NoEcho: true,
    });
  });

  it('takes the StackSet parameters the README names', () => {
    // Assess
    expect(Object.keys(template.Parameters ?? {}).sort()).toEqual(
      [
        'ExternalId',
        'HubAccountId',
        'HubPrincipalArns',
        'OrganizationId',
        'RoleName',
        'SecurityHubImport',
      ].sort(),
    );
  });

  it('grants the Security Hub import only with SecurityHubImport=true (default false), in a policy of its own', () => {
    // Prepare
    const document = securityHubPolicy?.Properties?.PolicyDocument as { Statement: PolicyStatement[] };
    const actions = asArray(document.Statement).flatMap((s) => asArray(s.Action));

    // Assess
    expect(template.Parameters?.SecurityHubImport).toMatchObject({
      Default: 'false',
      AllowedValues: ['false', 'true'],
    });
    expect(template.Conditions?.GrantSecurityHubImport).toEqual({
      'Fn::Equals': [{ Ref: 'SecurityHubImport' }, 'true'],
    });
    expect(securityHubPolicy?.Type).toBe('AWS::IAM::Policy');
    expect(securityHubPolicy?.Condition).toBe('GrantSecurityHubImport');
    expect(securityHubPolicy?.Properties?.Roles).toEqual([{ Ref: roleId }]);
    expect(actions.sort()).toEqual([...new Set(securityHubOperations.map(iamActionFor))].sort());
    // Only this account's own default product and hub: findings about other accounts are refused.
    for (const statement of asArray(document.Statement)) {
      expect(statement.Effect).toBe('Allow');
      expect(JSON.stringify(statement.Resource)).toContain(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
        '${AWS::AccountId}:product/${AWS::AccountId}/default',
      );
      expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"/);
    }
    // Unconditionally, the role stays read-only (the test above).
    expect(granted.some((a) => a.startsWith('securityhub:'))).toBe(false);
  });
});
