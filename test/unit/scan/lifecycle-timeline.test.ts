import { describe, expect, it } from 'vitest';
import { defaultRuleSettings, type RuleContext } from '../../../src/engine/types.ts';
import type { DetectedOs } from '../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../src/lifecycle/catalogue.ts';
import { lifecycleEntries } from '../../../src/scan/lifecycle-timeline.ts';
import {
  FIXTURE_ACCOUNT,
  FIXTURE_REGION,
  makeEksCluster,
  makeInstance,
  makeManagedInstance,
  makeSnapshot,
  ok,
} from '../../fixtures/snapshot.ts';

const ctx: RuleContext = {
  now: new Date('2026-11-25T00:00:00Z'),
  settings: defaultRuleSettings,
  lifecycle: lifecycleCatalogue,
};

function os(family: string, version: string, name: string): DetectedOs {
  return { known: true, family, version, name, source: 'ami-name', evidence: name };
}

describe('lifecycleEntries', () => {
  it('puts catalogued and inferred operating systems on the timeline, and leaves out what has no dates', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ec2.instances': ok([
        makeInstance({ instanceId: 'i-1', os: os('ubuntu', '20.04', 'Ubuntu 20.04 LTS') }),
        makeInstance({ instanceId: 'i-2', os: os('sles', '9', 'SUSE Linux Enterprise Server 9') }),
        makeInstance({ instanceId: 'i-3', os: os('ubuntu', '28.04', 'Ubuntu 28.04 LTS') }),
        makeInstance({ instanceId: 'i-4', os: { known: false, reason: 'no AMI' } }),
      ]),
      'ssm.managedInstances': ok([makeManagedInstance()]),
      'eks.clusters': ok([makeEksCluster()]),
    });

    // Act
    const entries = lifecycleEntries(snapshot, ctx);

    // Assess
    const base = { accountId: FIXTURE_ACCOUNT, region: FIXTURE_REGION };
    expect(entries).toEqual([
      {
        ...base,
        resourceType: 'ec2.instances',
        resourceId: 'i-1',
        name: 'i-1',
        location: 'cloud',
        product: 'Ubuntu 20.04 LTS',
        endOfStandard: '2025-05-31',
        endOfExtended: '2030-04-02',
        extendedAccess: 'paid',
        status: { state: 'past-standard', daysPastStandard: 543, daysUntilExtendedEnd: 1224 },
      },
      {
        ...base,
        resourceType: 'ec2.instances',
        resourceId: 'i-2',
        name: 'i-2',
        location: 'cloud',
        product: 'SUSE Linux Enterprise Server 9 (ended no later than SUSE Linux Enterprise Server 10)',
        endOfStandard: '2007-12-31',
        inferredFrom: 'SUSE Linux Enterprise Server 10',
        status: { state: 'past-extended', daysPastStandard: 6904 },
      },
      {
        ...base,
        resourceType: 'ssm.managedInstances',
        resourceId: 'mi-0a1b2c3d4e5f60718',
        name: 'dc1-build-01',
        location: 'on-premises',
        product: 'CentOS Linux 7',
        endOfStandard: '2024-06-30',
        status: { state: 'past-extended', daysPastStandard: 878 },
      },
      {
        ...base,
        resourceType: 'eks.clusters',
        resourceId: `arn:aws:eks:${FIXTURE_REGION}:${FIXTURE_ACCOUNT}:cluster/platform`,
        name: 'platform',
        location: 'cloud',
        product: 'Kubernetes 1.31 on EKS',
        endOfStandard: '2025-11-26',
        endOfExtended: '2026-11-26',
        extendedAccess: 'paid',
        status: { state: 'past-standard', daysPastStandard: 364, daysUntilExtendedEnd: 1 },
      },
    ]);
  });

  it('judges with the configured warning window, as the rules do', () => {
    // Prepare: EKS 1.31's extended support ends on 2026-11-26; Ubuntu 24.04's standard on 2029-05-31.
    const snapshot = makeSnapshot({
      'ec2.instances': ok([
        makeInstance({ instanceId: 'i-1', os: os('ubuntu', '24.04', 'Ubuntu 24.04 LTS') }),
      ]),
    });
    const at = (warningDays: number) => ({ ...ctx, settings: { ...defaultRuleSettings, warningDays } });

    // Act
    const [narrow] = lifecycleEntries(snapshot, at(90));
    const [wide] = lifecycleEntries(snapshot, at(1_000));

    // Assess
    expect(narrow?.status.state).toBe('supported');
    expect(wide?.status.state).toBe('ending-soon');
  });

  it('has nothing for an empty inventory', () => {
    expect(lifecycleEntries(makeSnapshot({}), ctx)).toEqual([]);
  });
});
