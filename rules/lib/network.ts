/**
 * Network predicates shared by the rules: what counts as "the internet", which ports are high-risk, and
 * how exposed one security group rule leaves a resource.
 */
import type { Severity } from '../../src/findings/types.ts';
import type { IpProtocol, PermissionSource, SecurityGroupRule } from '../../src/inventory/types.ts';

/** Security Hub EC2.19's unrestricted high-risk ports (the same list for IPv4 and IPv6). */
export const HIGH_RISK_PORTS: readonly number[] = [
  20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080,
  8088, 8888, 9200, 9300,
];

/** The lowest and highest port a TCP or UDP rule can name. */
export const ALL_PORTS = { from: 0, to: 65535 } as const;

/**
 * True for a CIDR that spans every address: `0.0.0.0/0`, `::/0`, or any other spelling with a zero
 * prefix length (a `/0` network holds every address whatever bits precede it).
 */
export function isInternetCidr(cidr: string): boolean {
  const slash = cidr.lastIndexOf('/');
  return slash > 0 && cidr.slice(slash + 1).trim() === '0';
}

/**
 * True when a rule source is the whole IPv4 or IPv6 internet. Prefix lists are managed lists of
 * specific ranges and referenced groups are other resources: neither is "the internet".
 */
export function isInternetSource(source: PermissionSource): boolean {
  return (source.kind === 'ipv4' || source.kind === 'ipv6') && isInternetCidr(source.value);
}

/** A protocol as the rules reason about it; `other` is any protocol number EC2 opens whole (GRE, ESP…). */
export type ProtocolKind = 'all' | 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'other';

/** EC2 reports protocols by name (`tcp`) or by number (`6`); `-1` is all traffic. */
export function protocolKind(protocol: IpProtocol): ProtocolKind {
  switch (protocol.trim().toLowerCase()) {
    case '-1':
    case 'all':
      return 'all';
    case 'tcp':
    case '6':
      return 'tcp';
    case 'udp':
    case '17':
      return 'udp';
    case 'icmp':
    case '1':
      return 'icmp';
    case 'icmpv6':
    case '58':
      return 'icmpv6';
    default:
      return 'other';
  }
}

export interface PortRange {
  from: number;
  to: number;
}

/**
 * The ports a TCP or UDP rule opens; every port when the rule names none (EC2 omits them, or reports
 * -1, for "all ports"). Undefined for protocols without ports.
 */
export function portRangeOf(rule: SecurityGroupRule): PortRange | undefined {
  const kind = protocolKind(rule.protocol);
  if (kind !== 'tcp' && kind !== 'udp') return undefined;
  const from = rule.fromPort;
  if (from === undefined || from < 0) return { ...ALL_PORTS };
  const to = rule.toPort === undefined || rule.toPort < 0 ? from : rule.toPort;
  return from <= to ? { from, to } : { from: to, to: from };
}

/** The high-risk ports inside a range, minus those the operator authorized. */
export function highRiskPortsIn(range: PortRange, authorizedPorts: readonly number[] = []): number[] {
  return HIGH_RISK_PORTS.filter((p) => p >= range.from && p <= range.to && !authorizedPorts.includes(p));
}

/** True when every port of the range is an authorized one (e.g. exactly 80, or 443). */
export function onlyAuthorizedPorts(range: PortRange, authorizedPorts: readonly number[]): boolean {
  const inRange = new Set(authorizedPorts.filter((p) => p >= range.from && p <= range.to));
  return inRange.size === range.to - range.from + 1;
}

/**
 * How bad one internet-facing rule is:
 * - `all-traffic`: protocol `-1` (critical);
 * - `high-risk-port`: a TCP/UDP range holding an EC2.19 port that is not authorized (high);
 * - `other-port`: a TCP/UDP range holding any other unauthorized port (medium);
 * - `other-protocol`: a whole protocol other than TCP, UDP and ICMP, e.g. GRE or ESP (medium);
 * - `icmp`: ICMP or ICMPv6 (low: reachability and path MTU, no service behind it).
 */
export type ExposureKind = 'all-traffic' | 'high-risk-port' | 'other-port' | 'other-protocol' | 'icmp';

export interface Exposure {
  kind: ExposureKind;
  severity: Severity;
  protocol: ProtocolKind;
  /** For TCP and UDP. */
  ports?: PortRange;
  /** The unauthorized high-risk ports the range holds (empty unless `high-risk-port`). */
  highRiskPorts: number[];
}

/**
 * The exposure a rule creates when its source is the internet, or undefined when it creates none
 * (a TCP/UDP range made only of authorized ports). Authorized ports win over the high-risk list:
 * listing one is the operator's explicit decision. All traffic stays critical whatever is authorized.
 */
export function exposureOf(
  rule: SecurityGroupRule,
  authorizedPorts: readonly number[],
): Exposure | undefined {
  const protocol = protocolKind(rule.protocol);
  switch (protocol) {
    case 'all':
      return { kind: 'all-traffic', severity: 'critical', protocol, highRiskPorts: [] };
    case 'icmp':
    case 'icmpv6':
      return { kind: 'icmp', severity: 'low', protocol, highRiskPorts: [] };
    case 'other':
      return { kind: 'other-protocol', severity: 'medium', protocol, highRiskPorts: [] };
    case 'tcp':
    case 'udp': {
      const ports = portRangeOf(rule) ?? { ...ALL_PORTS };
      const highRiskPorts = highRiskPortsIn(ports, authorizedPorts);
      if (highRiskPorts.length)
        return { kind: 'high-risk-port', severity: 'high', protocol, ports, highRiskPorts };
      if (onlyAuthorizedPorts(ports, authorizedPorts)) return undefined;
      return { kind: 'other-port', severity: 'medium', protocol, ports, highRiskPorts };
    }
  }
}
