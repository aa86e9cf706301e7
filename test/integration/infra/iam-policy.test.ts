import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asArray, parseCloudFormationYaml, roleStatements } from '../../../scripts/cloudformation.ts';
import { ApiCallCounter } from '../../../src/aws/api-calls.ts';
import { iamActionFor } from '../../../src/aws/iam-actions.ts';
import { allSources } from '../../../src/inventory/collect.ts';
import { memberAccountOperations } from '../../../src/scan/member-account-calls.ts';
import { enabledRegions } from '../../../src/scan/plan.ts';
import { collectTargets } from '../../../src/scan/run-inventory.ts';
import {
  demoAccounts,
  demoSession,
  demoTargets,
  hubOperations,
  prepareDemoEstate,
  releaseDemoEstate,
} from '../../support/demo-estate.ts';

function memberRoleActions(): string[] {
  const template = parseCloudFormationYaml(
    readFileSync(new URL('../../../infra/member-role.yml', import.meta.url), 'utf8'),
  );
  const roleId = Object.keys(template.Resources).find(
    (id) => template.Resources[id]?.Type === 'AWS::IAM::Role',
  )!;
  return roleStatements(template, roleId, { unconditionalOnly: true }).flatMap((s) => asArray(s.Action));
}

describe('the member role against the calls a full inventory makes (demo estate, every source)', () => {
  let counted: string[] = [];

  beforeAll(async () => {
    // Prepare: the demo estate; a session that reaches every account, the hub's too, through the
    // member role (as the deployed functions do), counting every call.
    await prepareDemoEstate();
    const counter = new ApiCallCounter();
    const session = await demoSession(counter, 'iam-policy');

    // Act: the planner's region listing (regions: all), then every source of every target.
    await enabledRegions(session, demoAccounts[0]!);
    await collectTargets(session, {
      targets: demoTargets,
      wanted: allSources,
      details: true,
      targetConcurrency: 3,
      itemConcurrency: 4,
      now: () => new Date(),
    });
    session.destroy();
    counted = Object.keys(counter.snapshot()).filter((key) => !hubOperations.has(key));
  });

  afterAll(() => {
    releaseDemoEstate();
  });

  it('calls exactly the operations the collectors and the planner declare (those moto lacks are attempted too)', () => {
    // Assess
    expect(counted.sort()).toEqual([...memberAccountOperations].sort());
  });

  it('finds every action it calls in the policy, and every action of the policy called', () => {
    // Prepare
    const used = new Set(counted.map(iamActionFor));
    const granted = new Set(memberRoleActions());

    // Act
    const missing = [...used].filter((a) => !granted.has(a)).sort();
    const unused = [...granted].filter((a) => !used.has(a)).sort();

    // Assess
    expect({ missing, unused }).toEqual({ missing: [], unused: [] });
  });
});
