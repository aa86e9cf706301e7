import type { Rule } from '../../src/engine/types.ts';
import { isInternetCidr } from '../lib/network.ts';
import { sh } from '../lib/shell.ts';

export const rule: Rule = {
  id: 'eks-cluster-endpoint-public',
  title: 'EKS cluster API endpoint is public and open to the internet',
  service: 'eks',
  resourceType: 'AwsEksCluster',
  severity: 'high',
  description:
    'Fires when an EKS cluster’s Kubernetes API endpoint has public access on and its public access ' +
    'CIDRs include 0.0.0.0/0 (or list none, which EKS treats as everyone). Connected clusters are ' +
    'skipped: their API endpoint is not run by EKS.',
  risk:
    'Anyone on the internet can reach the Kubernetes API server. Authentication still applies, but the ' +
    'endpoint is exposed to credential stuffing with leaked kubeconfigs or tokens, to API server ' +
    'vulnerabilities before they are patched, and to discovery of the cluster’s existence and version.',
  remediation: {
    console: [
      'Make sure whoever and whatever runs kubectl can reach the private endpoint (a VPN, a bastion, ' +
        'CI runners inside the VPC), or list their addresses as public access CIDRs.',
      'Open the EKS console, choose the cluster and the Networking tab, then Manage endpoint access.',
      'Turn private access on and public access off, or keep public access with only specific CIDR ' +
        'blocks (never 0.0.0.0/0); save.',
    ],
    cli:
      'aws eks update-cluster-config --name <cluster> ' +
      '--resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true',
  },
  references: {
    securityHub: 'EKS.1',
    cis: 'CIS Amazon EKS Benchmark v1.5.0 5.4.2',
    docs: [
      'https://docs.aws.amazon.com/securityhub/latest/userguide/eks-controls.html#eks-1',
      'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
    ],
  },
  requires: ['eks.clusters'],
  scope(snapshot) {
    const clusters = snapshot.sources['eks.clusters'];
    if (!clusters?.ok) return [];
    return clusters.items.filter((c) => !c.connected).map((c) => ({ id: c.name, tags: c.tags }));
  },
  evaluate(snapshot) {
    const clusters = snapshot.sources['eks.clusters'];
    if (!clusters?.ok) return [];
    return clusters.items
      .filter(
        (c) =>
          !c.connected &&
          c.endpointPublicAccess === true &&
          (c.publicAccessCidrs.length === 0 || c.publicAccessCidrs.some(isInternetCidr)),
      )
      .map((c) => ({
        resourceId: c.name,
        resourceArn: c.arn ?? `arn:aws:eks:${snapshot.region}:${snapshot.accountId}:cluster/${c.name}`,
        message:
          `EKS cluster ${c.name} has a public API endpoint open to the whole internet` +
          (c.endpointPrivateAccess ? '.' : ', and no private endpoint.'),
        evidence: {
          endpointPublicAccess: true,
          endpointPrivateAccess: c.endpointPrivateAccess ?? null,
          publicAccessCidrs: c.publicAccessCidrs,
          ...(c.version ? { version: c.version } : {}),
          ...(c.vpcId ? { vpcId: c.vpcId } : {}),
        },
        cli: sh`aws eks update-cluster-config --name ${c.name} --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true`,
      }));
  },
};
