import type { Rule, RuleResult } from '../../src/engine/types.ts';
import type { EcrRegistryScanning } from '../../src/inventory/types.ts';
import { sh } from '../lib/shell.ts';

/**
 * ECR's repository filter semantics: a filter without `*` matches every name that contains it; with
 * `*`, the whole name must match, each `*` standing for zero or more characters.
 */
export function repositoryFilterMatches(filter: string, repositoryName: string): boolean {
  if (!filter.includes('*')) return repositoryName.includes(filter);
  const source = filter
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(repositoryName);
}

/** Scan frequencies under which a registry rule scans a new image without anyone asking. */
const automaticFrequencies: Record<string, readonly string[]> = {
  ENHANCED: ['SCAN_ON_PUSH', 'CONTINUOUS_SCAN'],
  BASIC: ['SCAN_ON_PUSH'],
};

function scanTypeOf(registry: EcrRegistryScanning): string {
  // No configuration means basic scanning, AWS's default.
  return (registry.scanType ?? 'BASIC').toUpperCase();
}

/** The registry rule frequency that scans the repository automatically, if any. */
function registryCoverage(registry: EcrRegistryScanning, repositoryName: string): string | undefined {
  const frequencies = automaticFrequencies[scanTypeOf(registry)] ?? [];
  return registry.rules.find(
    (r) =>
      r.scanFrequency !== undefined &&
      frequencies.includes(r.scanFrequency) &&
      r.filters.some((f) => repositoryFilterMatches(f, repositoryName)),
  )?.scanFrequency;
}

/** Enhanced scanning: add the repository to an automatic rule's filters, keeping the others as they are. */
function enhancedCli(registry: EcrRegistryScanning, repositoryName: string, region: string): string {
  const rules = registry.rules.map((r) => ({
    scanFrequency: r.scanFrequency,
    repositoryFilters: r.filters.map((filter) => ({ filter, filterType: 'WILDCARD' })),
  }));
  const target = rules.find(
    (r) => r.scanFrequency === 'CONTINUOUS_SCAN' || r.scanFrequency === 'SCAN_ON_PUSH',
  );
  const filter = { filter: repositoryName, filterType: 'WILDCARD' };
  if (target) target.repositoryFilters.push(filter);
  else rules.push({ scanFrequency: 'SCAN_ON_PUSH', repositoryFilters: [filter] });
  return sh`aws ecr put-registry-scanning-configuration --region ${region} --scan-type ENHANCED --rules ${JSON.stringify(rules)}`;
}

export const rule: Rule = {
  id: 'ecr-repository-scan-on-push-disabled',
  title: 'ECR repository images are not scanned for vulnerabilities',
  service: 'ecr',
  resourceType: 'AwsEcrRepository',
  severity: 'medium',
  description:
    'Fires when no scan runs automatically on a private ECR repository: with basic scanning, the ' +
    'repository has scan on push off and no registry scan-on-push filter matches it; with enhanced ' +
    'scanning (where the repository setting is not used), no scan-on-push or continuous filter matches it.',
  risk:
    'Images pushed without a scan reach clusters with whatever known vulnerabilities their packages ' +
    'carry, and nobody is told. It is a detection gap rather than an exposure by itself, which is why ' +
    'the finding is medium rather than high.',
  remediation: {
    console: [
      'Open the Amazon ECR console, choose Private registry, Settings, Scanning.',
      'With basic scanning, add a scan-on-push filter that matches the repository (or `*`); with enhanced scanning, add the repository to a scan-on-push or continuous scanning filter.',
      'Save, then push an image and check its scan status.',
    ],
    cli: 'aws ecr put-image-scanning-configuration --repository-name <repository> --image-scanning-configuration scanOnPush=true',
  },
  references: {
    securityHub: 'ECR.1',
    docs: [
      'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html',
      'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-1',
    ],
  },
  requires: ['ecr.repositories', 'ecr.registryScanning'],
  scope(snapshot) {
    const repositories = snapshot.sources['ecr.repositories'];
    return repositories?.ok ? repositories.items.map((r) => ({ id: r.repositoryName, tags: r.tags })) : [];
  },
  evaluate(snapshot) {
    const repositories = snapshot.sources['ecr.repositories'];
    const scanning = snapshot.sources['ecr.registryScanning'];
    if (!repositories?.ok || !scanning?.ok) return [];
    // One configuration per registry; none listed means AWS's default, basic scanning without rules.
    const registry = scanning.items[0] ?? { rules: [] };
    const enhanced = scanTypeOf(registry) === 'ENHANCED';
    const results: RuleResult[] = [];
    for (const repo of repositories.items) {
      if (registryCoverage(registry, repo.repositoryName)) continue;
      // Under enhanced scanning ECR scans only what the registry filters match.
      if (!enhanced && repo.scanOnPush) continue;
      const name = repo.repositoryName;
      results.push({
        resourceId: name,
        resourceArn: repo.repositoryArn,
        message: enhanced
          ? `ECR repository ${name} is not matched by any enhanced scanning filter: its images are never scanned.`
          : `ECR repository ${name} has scan on push disabled and no registry scan-on-push filter matches it.`,
        evidence: {
          scanOnPush: repo.scanOnPush,
          registryScanType: scanTypeOf(registry),
          registryRules: registry.rules,
        },
        cli: enhanced
          ? enhancedCli(registry, name, snapshot.region)
          : sh`aws ecr put-image-scanning-configuration --repository-name ${name} --region ${snapshot.region} --image-scanning-configuration scanOnPush=true`,
      });
    }
    return results;
  },
};
