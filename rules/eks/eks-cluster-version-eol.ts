import type { Rule, RuleResult } from '../../src/engine/types.ts';
import type { EksCluster } from '../../src/inventory/types.ts';
import type { EksVersionLifecycle } from '../../src/lifecycle/catalogue.ts';
import { isReportable, type LifecycleDates, lifecycleStatus } from '../../src/lifecycle/status.ts';
import { type ExtendedWording, lifecycleEvidence, severityFor, supportPhrase } from '../lib/lifecycle.ts';
import { sh } from '../lib/shell.ts';

interface MinorVersion {
  major: number;
  minor: number;
  /** `major.minor`, as EKS lists versions. */
  key: string;
}

/** `1.29`, `1.28.3`, `v1.27.4-eks-…` → its minor version; undefined when it is not one. */
function minorVersion(version: string | undefined): MinorVersion | undefined {
  const match = version ? /^v?(\d+)\.(\d+)/.exec(version.trim()) : null;
  if (!match) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return { major, minor, key: `${major}.${minor}` };
}

function isOlder(a: MinorVersion, b: MinorVersion): boolean {
  return a.major < b.major || (a.major === b.major && a.minor < b.minor);
}

/** The catalogue's oldest entry: anything older is long past extended support. */
function oldestOf(versions: readonly EksVersionLifecycle[]): EksVersionLifecycle | undefined {
  return versions.reduce<EksVersionLifecycle | undefined>(
    (oldest, entry) =>
      oldest === undefined || isOlder(minorVersion(entry.version)!, minorVersion(oldest.version)!)
        ? entry
        : oldest,
    undefined,
  );
}

/** EKS extended support is billed per cluster hour: fixes past standard support are paid for. */
const extendedSupport: ExtendedWording = {
  name: 'EKS extended support',
  access: 'paid',
  product: 'Amazon EKS extended support (billed per cluster hour)',
};

/** The dates to judge a version by: EKS's own answer when the collector had it, else the catalogue. */
function datesOf(
  cluster: EksCluster,
  version: MinorVersion,
  catalogue: readonly EksVersionLifecycle[],
): { dates: LifecycleDates; lifecycleSource: string } | undefined {
  const catalogued = catalogue.find((entry) => entry.version === version.key);
  const live = cluster.versionSupport;
  if (live?.endOfStandardSupport) {
    const endOfExtended = live.endOfExtendedSupport ?? catalogued?.endOfExtended;
    const lifecycleSource =
      live.endOfExtendedSupport || !catalogued
        ? live.source
        : `${live.source}; end of extended support from ${catalogued.source}`;
    return {
      dates: endOfExtended
        ? { endOfStandard: live.endOfStandardSupport, endOfExtended }
        : { endOfStandard: live.endOfStandardSupport },
      lifecycleSource,
    };
  }
  if (!catalogued) return undefined;
  return {
    dates: { endOfStandard: catalogued.endOfStandard, endOfExtended: catalogued.endOfExtended },
    lifecycleSource: catalogued.source,
  };
}

function clusterEvidence(cluster: EksCluster, version: MinorVersion): Record<string, unknown> {
  return {
    kubernetesVersion: version.key,
    ...(cluster.platformVersion ? { platformVersion: cluster.platformVersion } : {}),
    ...(cluster.versionSupport?.status ? { versionStatus: cluster.versionSupport.status } : {}),
    connected: cluster.connected,
    ...(cluster.connectorProvider ? { connectorProvider: cluster.connectorProvider } : {}),
  };
}

function clusterLabel(cluster: EksCluster): string {
  return cluster.connected
    ? `Connected EKS cluster ${cluster.name}${cluster.connectorProvider ? ` (${cluster.connectorProvider})` : ''}`
    : `EKS cluster ${cluster.name}`;
}

/** EKS upgrades one minor version at a time. */
function upgradeCli(cluster: EksCluster, version: MinorVersion): string {
  if (cluster.connected) {
    // A connected cluster is upgraded with its own tooling (eksctl anywhere, the provider's console).
    return (
      `aws eks describe-cluster-versions --include-all --query ` +
      `"clusterVersions[].[clusterVersion,versionStatus,endOfStandardSupportDate,endOfExtendedSupportDate]" --output table`
    );
  }
  const next = `${version.major}.${version.minor + 1}`;
  return sh`aws eks update-cluster-version --name ${cluster.name} --kubernetes-version ${next}`;
}

export const rule: Rule = {
  id: 'eks-cluster-version-eol',
  title: 'EKS cluster runs a Kubernetes version past or near its end of support',
  service: 'eks',
  resourceType: 'AwsEksCluster',
  severity: 'critical',
  description:
    'Fires when an EKS cluster’s Kubernetes version is past its end of standard support (high: fixes ' +
    'now come only with billed extended support), past its end of extended support (critical), or reaches ' +
    'the end of standard support within the warning window (low, default 90 days). The dates come from ' +
    'eks:DescribeClusterVersions when the scan could call it, else from the lifecycle catalogue; ' +
    'versions older than the catalogue’s oldest are past extended support. Connected clusters are ' +
    'judged by the same Amazon EKS dates when they report a version.',
  risk:
    'Once standard support ends, EKS charges extended support per cluster hour (six times the standard ' +
    'price) and the version gets only critical fixes; once extended support ends, the version gets no ' +
    'security fixes at all and EKS upgrades the control plane on its own schedule, which can break ' +
    'workloads relying on removed APIs. Add-ons, AMIs and tooling stop supporting old versions well ' +
    'before that.',
  remediation: {
    console: [
      'Check the upgrade insights on the cluster’s Upgrade insights tab in the EKS console for ' +
        'deprecated APIs in use, and update the manifests and Helm charts that use them.',
      'In the EKS console choose the cluster, then Upgrade version, and move to the next minor version ' +
        '(EKS upgrades one minor version at a time); repeat until the version is in standard support.',
      'Update the managed node groups, self-managed nodes, Fargate profiles and add-ons (VPC CNI, ' +
        'CoreDNS, kube-proxy) to the new version.',
      'For a connected cluster, upgrade it with its own tooling (EKS Anywhere, AKS, GKE, OpenShift…).',
    ],
    cli: 'aws eks update-cluster-version --name <cluster> --kubernetes-version <next-minor-version>',
  },
  references: {
    securityHub: 'EKS.2',
    docs: [
      'https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-2',
      'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/extended-support-control.html',
      'https://docs.aws.amazon.com/eks/latest/userguide/update-cluster.html',
      'https://endoflife.date/amazon-eks',
    ],
  },
  requires: ['eks.clusters'],
  scope(snapshot) {
    const clusters = snapshot.sources['eks.clusters'];
    if (!clusters?.ok) return [];
    return clusters.items.filter((c) => minorVersion(c.version)).map((c) => ({ id: c.name, tags: c.tags }));
  },
  evaluate(snapshot, ctx) {
    const clusters = snapshot.sources['eks.clusters'];
    if (!clusters?.ok) return [];
    return clusters.items.flatMap((cluster): RuleResult[] => {
      const version = minorVersion(cluster.version);
      if (!version) return [];
      const resourceArn =
        cluster.arn ?? `arn:aws:eks:${snapshot.region}:${snapshot.accountId}:cluster/${cluster.name}`;
      const found = datesOf(cluster, version, ctx.lifecycle.eksVersions);

      if (!found) {
        const oldestCatalogued = oldestOf(ctx.lifecycle.eksVersions);
        // A version newer than the catalogue is not judged: the catalogue predates it.
        if (!oldestCatalogued || !isOlder(version, minorVersion(oldestCatalogued.version)!)) return [];
        return [
          {
            resourceId: cluster.name,
            resourceArn,
            severity: 'critical',
            message:
              `${clusterLabel(cluster)} runs Kubernetes ${version.key}, older than every version in the ` +
              `lifecycle catalogue (the oldest, ${oldestCatalogued.version}, left extended support on ` +
              `${oldestCatalogued.endOfExtended}): it is long past extended support.`,
            evidence: {
              ...clusterEvidence(cluster, version),
              lifecycleState: 'past-extended',
              supportKind: 'none',
              predatesCatalogue: true,
              oldestCatalogued: oldestCatalogued.version,
              oldestCataloguedEndOfExtendedSupport: oldestCatalogued.endOfExtended,
              endOfStandardSupport: null,
              endOfExtendedSupport: null,
              lifecycleSource: oldestCatalogued.source,
            },
            cli: upgradeCli(cluster, version),
          },
        ];
      }

      const status = lifecycleStatus(found.dates, ctx.now, ctx.settings.warningDays);
      if (!isReportable(status)) return [];
      const upgrade = cluster.connected
        ? 'upgrade it with its own tooling.'
        : `upgrade it to ${version.major}.${version.minor + 1}.`;
      return [
        {
          resourceId: cluster.name,
          resourceArn,
          severity: severityFor(status.state, extendedSupport.access),
          message:
            `${clusterLabel(cluster)} runs Kubernetes ${version.key}: ` +
            `${supportPhrase(status, found.dates, extendedSupport)}; ${upgrade}`,
          evidence: {
            ...clusterEvidence(cluster, version),
            ...lifecycleEvidence(status, found.dates, extendedSupport),
            lifecycleSource: found.lifecycleSource,
          },
          cli: upgradeCli(cluster, version),
        },
      ];
    });
  },
};
