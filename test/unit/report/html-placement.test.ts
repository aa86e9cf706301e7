import { describe, expect, it } from 'vitest';
import { inventoryRows } from '../../../src/inventory/rows.ts';
import { renderHtml } from '../../../src/report/html.ts';
import { makeEcsService, makeFargateProfile, makeOutpost } from '../../fixtures/placement.ts';
import { makeReport } from '../../fixtures/report.ts';
import { makeEksCluster, makeManagedInstance, makeSnapshot, ok } from '../../fixtures/snapshot.ts';

/** The text of the report's "Where it runs" table, one line per row, cells joined by `|`. */
function placementTable(html: string): string[] {
  const table =
    /<h3>Where it runs<\/h3>\s*(?:<div class="scroll">)?<table class="placement">([\s\S]*?)<\/table>/.exec(
      html,
    )?.[1] ?? '';
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)]
      .map((cell) => (cell[1] ?? '').replace(/<[^>]+>/g, ''))
      .join('|'),
  );
}

describe('renderHtml: where it runs', () => {
  it("shows the estate's capacity by kind, then each account and region's, in the inventory section", () => {
    // Prepare
    const inventory = inventoryRows(
      makeSnapshot({
        'ecs.services': ok([makeEcsService({ runningCount: 5 })]),
        'eks.clusters': ok([makeEksCluster({ name: 'aks', connected: true, version: undefined })]),
        'eks.fargateProfiles': ok([makeFargateProfile()]),
        'outposts.outposts': ok([makeOutpost({ name: '<img src=x onerror=alert(1)>' })]),
        'ssm.managedInstances': ok([makeManagedInstance({ eksClusterName: 'platform' })]),
      }),
    );

    // Act
    const html = renderHtml(makeReport({ inventory }));

    // Assess
    expect(placementTable(html)).toEqual([
      'account|region|where|clusters|services|tasks|Fargate profiles|EKS nodes|ECS hosts|machines',
      'estate|all|fargate||1|5|1|||',
      'estate|all|on-premises|||||1||1',
      'estate|all|connected|1||||||',
      '111111111111|eu-west-1|fargate||1|5|1|||',
      '111111111111|eu-west-1|on-premises|||||1||1',
      '111111111111|eu-west-1|connected|1||||||',
    ]);
    expect(html).not.toContain('<img src=x');
  });

  it('leaves the table out when nothing placed was inventoried', () => {
    // Act
    const html = renderHtml(makeReport({ inventory: [] }));

    // Assess
    expect(html).not.toContain('Where it runs');
  });
});
