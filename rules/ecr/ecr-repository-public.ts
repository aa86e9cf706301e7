import type { Rule, RuleResult } from '../../src/engine/types.ts';
import type { EcrRepository, PolicyStatement } from '../../src/inventory/types.ts';
import { publicStatements } from '../lib/policy.ts';
import { sh } from '../lib/shell.ts';

/** A statement as evidence: what it grants, to whom, under which conditions. */
function statementEvidence(s: PolicyStatement): Record<string, unknown> {
  return {
    ...(s.sid ? { sid: s.sid } : {}),
    effect: s.effect,
    [s.notPrincipal ? 'notPrincipal' : 'principal']: s.principals,
    [s.notActions ? 'notAction' : 'action']: s.actions,
    conditions: s.conditions,
  };
}

function cliFor(repo: EcrRepository, region: string, offending: PolicyStatement[]): string {
  const name = repo.repositoryName;
  const policy = repo.policy;
  // When every statement is a public grant, removing the policy loses nothing else.
  const onlyPublic = !!policy && !policy.parseError && offending.length === policy.statements.length;
  return onlyPublic
    ? sh`aws ecr delete-repository-policy --repository-name ${name} --region ${region}`
    : sh`aws ecr set-repository-policy --repository-name ${name} --region ${region} ` +
        '--policy-text file://<policy-without-public-statements>.json';
}

export const rule: Rule = {
  id: 'ecr-repository-public',
  title: 'ECR repository policy lets anyone pull or push images',
  service: 'ecr',
  resourceType: 'AwsEcrRepository',
  severity: 'critical',
  description:
    'Fires when a private ECR repository policy allows any AWS principal (`*`, or `NotPrincipal`) to pull ' +
    'or push images without a condition that restricts the caller to an organization, account, ' +
    'principal, VPC endpoint or private network, and no Deny closes the gap. Critical when push is ' +
    'open, high when only pull is. A policy that cannot be analysed is reported as info.',
  risk:
    'A principal of `*` means every authenticated identity in every AWS account. With pull open, anyone ' +
    'can download the images and read the code, configuration and secrets baked into them; with push ' +
    'open, anyone can overwrite tags your services deploy, which hands them code execution in your ' +
    'workloads (a supply-chain compromise).',
  remediation: {
    console: [
      'Open the Amazon ECR console, choose Private registry, Repositories, and the repository.',
      'Choose Permissions, then Edit policy JSON.',
      'Remove the statements that allow `*`, or add a condition such as `"StringEquals": {"aws:PrincipalOrgID": "o-…"}` to them, and save.',
    ],
    cli: 'aws ecr delete-repository-policy --repository-name <repository> (or aws ecr set-repository-policy --repository-name <repository> --policy-text file://policy.json with an aws:PrincipalOrgID condition)',
  },
  references: {
    docs: [
      'https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html',
      'https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html',
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
    ],
  },
  requires: ['ecr.repositories'],
  scope(snapshot) {
    const repositories = snapshot.sources['ecr.repositories'];
    return repositories?.ok ? repositories.items.map((r) => ({ id: r.repositoryName, tags: r.tags })) : [];
  },
  evaluate(snapshot) {
    const repositories = snapshot.sources['ecr.repositories'];
    if (!repositories?.ok) return [];
    const results: RuleResult[] = [];
    for (const repo of repositories.items) {
      // undefined: the policy could not be read (the error is in the snapshot); null: no policy.
      if (!repo.policy) continue;
      const exposure = publicStatements(repo.policy);
      const base = { resourceId: repo.repositoryName, resourceArn: repo.repositoryArn };
      if (exposure.statements.length === 0) {
        if (repo.policy.parseError) {
          results.push({
            ...base,
            severity: 'info',
            message: `ECR repository ${repo.repositoryName} has a policy estatescan could not analyse (${repo.policy.parseError}); review it by hand.`,
            evidence: { parseError: repo.policy.parseError, policy: repo.policy.raw },
            cli: sh`aws ecr get-repository-policy --repository-name ${repo.repositoryName} --region ${snapshot.region}`,
          });
        }
        continue;
      }
      const { pull, push } = exposure.exposed;
      const access = push && pull ? 'pull and push' : push ? 'push' : 'pull';
      results.push({
        ...base,
        severity: push ? 'critical' : 'high',
        message: `ECR repository ${repo.repositoryName} lets anyone ${access} images: its policy grants ${exposure.exposedActions.join(', ')} to any principal without a restricting condition.`,
        evidence: {
          pullPublic: pull,
          pushPublic: push,
          publicActions: exposure.exposedActions,
          statements: exposure.statements.map(statementEvidence),
          ...(repo.policy.parseError ? { parseError: repo.policy.parseError } : {}),
        },
        cli: cliFor(repo, snapshot.region, exposure.statements),
      });
    }
    return results;
  },
};
