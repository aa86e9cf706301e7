import { describe, expect, it } from 'vitest';
import {
  renderInventoryCsv,
  renderInventoryTable,
  renderPlacementTable,
} from '../../../../src/cli/commands/inventory.ts';
import { placementSummary } from '../../../../src/inventory/placement.ts';
import { inventoryRows } from '../../../../src/inventory/rows.ts';
import type { TargetResult } from '../../../../src/scan/run-inventory.ts';
import { makeEcsService, makeFargateProfile } from '../../../fixtures/placement.ts';
import { makeContainerInstance, makeEcsCluster, makeSnapshot, ok } from '../../../fixtures/snapshot.ts';
import { captureIo } from '../../../support/capture-io.ts';

const snapshot = makeSnapshot({
  'ecs.clusters': ok([makeEcsCluster()]),
  'ecs.containerInstances': ok([makeContainerInstance()]),
  'ecs.services': ok([
    makeEcsService({ runningCount: 3 }),
    makeEcsService({
      serviceName: '=HYPERLINK("http://evil.example")',
      launchType: 'EXTERNAL',
      runningCount: 2,
    }),
  ]),
  'eks.fargateProfiles': ok([makeFargateProfile()]),
});
const rows = inventoryRows(snapshot);
const result: TargetResult = {
  accountId: snapshot.accountId,
  region: snapshot.region,
  status: 'ok',
  snapshot,
  errors: [],
  durationMs: 5,
};

describe('the inventory placement summary', () => {
  it('prints what runs on each kind of capacity, per account and region, then for the estate', () => {
    // Act
    const table = renderPlacementTable(placementSummary(rows));

    // Assess
    expect(table.split('\n')).toEqual([
      'account       region     where        clusters  services  tasks  Fargate profiles  EKS nodes  ECS hosts  machines',
      '------------  ---------  -----------  --------  --------  -----  ----------------  ---------  ---------  --------',
      '111111111111  eu-west-1  cloud               1',
      '111111111111  eu-west-1  fargate                       1      3                 1',
      '111111111111  eu-west-1  on-premises                   1      2                                       1',
      'estate        all        cloud               1',
      'estate        all        fargate                       1      3                 1',
      'estate        all        on-premises                   1      2                                       1',
    ]);
    expect(renderInventoryTable([result], rows)).toContain(`\nWhere it runs\n${table}`);
  });

  it('ends the CSV with placement lines whose counts add up once, and defuses formulas in names', () => {
    // Act
    const lines = renderInventoryCsv(rows).trimEnd().split('\n');

    // Assess
    expect(lines[0]).toBe(
      'account_id,region,resource_type,resource_id,name,state,location,os,detail,clusters,services,tasks,fargate_profiles,eks_nodes,ecs_hosts,machines',
    );
    // Resource lines carry no counts.
    expect(lines.find((l) => l.includes('ecs.services'))?.endsWith(',,,,,,,')).toBe(true);
    expect(lines.some((l) => l.includes(`,"'=HYPERLINK(""http://evil.example"")",`))).toBe(true);
    expect(lines.slice(-6)).toEqual([
      '111111111111,eu-west-1,placement,cloud,,,cloud,,,1,0,0,0,0,0,0',
      '111111111111,eu-west-1,placement,fargate,,,fargate,,,0,1,3,1,0,0,0',
      '111111111111,eu-west-1,placement,on-premises,,,on-premises,,,0,1,2,0,0,1,0',
      ',,placement.estate,cloud,,,cloud,,,1,0,0,0,0,0,0',
      ',,placement.estate,fargate,,,fargate,,,0,1,3,1,0,0,0',
      ',,placement.estate,on-premises,,,on-premises,,,0,1,2,0,0,1,0',
    ]);
  });
});

describe('the inventory table at a terminal', () => {
  it('leaves types found nowhere out of the counts, naming them under it', () => {
    // Prepare
    const withVpcs = { ...snapshot, sources: { ...snapshot.sources, 'ec2.vpcs': ok([]) } };

    // Act
    const text = renderInventoryTable([{ ...result, snapshot: withVpcs }], rows);

    // Assess
    const header = text.split('\n')[2] ?? '';
    expect(header).toMatch(/^account\s+region\s+status\s+ECS\s+ECS hosts\s+ECS services/);
    expect(header).not.toMatch(/VPCs/);
    expect(text).toMatch(/^None found: VPCs\.$/m);
  });

  it('shows only the --type asked for', () => {
    // Act
    const text = renderInventoryTable(
      [result],
      rows.filter((r) => r.resourceType === 'ecs.services'),
      {},
      new Set(['ecs.services']),
    );

    // Assess
    expect(text.split('\n')[2]).toMatch(/^account\s+region\s+status\s+ECS services$/);
    expect(text).toContain('ECS services (ecs.services)');
    expect(text).not.toContain('ECS hosts (ecs.containerInstances)');
    expect(text).not.toContain('None found');
  });

  it('fits a width: details cut, ids whole (ARNs cut in the middle), and says so', () => {
    // Act
    const text = renderInventoryTable([result], rows, { width: 80 });

    // Assess
    const lines = text.split('\n');
    const clusters = lines.slice(
      lines.indexOf('ECS (ecs.clusters)') + 1,
      lines.indexOf('ECS (ecs.clusters)') + 4,
    );
    for (const line of clusters) expect(line.length).toBeLessThanOrEqual(80);
    expect(clusters[2]).toMatch(/^111111111111 {2}eu-west-1 {2}arn:aws:ecs\S*…edge {2}edge {2}ACTIVE/);
    expect(text).toContain('Cut to fit 80 columns');
    for (const row of rows.filter((r) => r.resourceType === 'eks.fargateProfiles')) {
      expect(text).toContain(row.resourceId.slice(row.resourceId.indexOf('platform/')));
    }
  });
});

describe('estatescan inventory --type', () => {
  it('refuses an unknown type before any AWS call, listing what it takes', async () => {
    // Prepare
    const { inventoryCommand } = await import('../../../../src/cli/commands/inventory.ts');
    const { UsageError } = await import('../../../../src/errors.ts');

    // Act
    const error = await inventoryCommand(
      ['--type', 'ec2,lambda.functions'],
      { interactive: false },
      captureIo(),
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as InstanceType<typeof UsageError>).problems).toEqual([
      expect.stringMatching(
        /^--type: unknown resource type "lambda\.functions" \(a service: ec2, .*; or a type: ec2\.vpcs, /,
      ),
    ]);
  });
});
