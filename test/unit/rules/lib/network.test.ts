import { describe, expect, it } from 'vitest';
import {
  exposureOf,
  HIGH_RISK_PORTS,
  highRiskPortsIn,
  isInternetCidr,
  isInternetSource,
  onlyAuthorizedPorts,
  portRangeOf,
  protocolKind,
} from '../../../../rules/lib/network.ts';
import type { PermissionSource } from '../../../../src/inventory/types.ts';
import { permission } from '../../../fixtures/network.ts';

const authorized = [80, 443];

describe('isInternetSource', () => {
  it.each<[string, PermissionSource, boolean]>([
    ['IPv4 anywhere', { kind: 'ipv4', value: '0.0.0.0/0' }, true],
    ['IPv6 anywhere', { kind: 'ipv6', value: '::/0' }, true],
    ['IPv6 anywhere, long spelling', { kind: 'ipv6', value: '0:0:0:0:0:0:0:0/0' }, true],
    ['an IPv4 range', { kind: 'ipv4', value: '10.0.0.0/8' }, false],
    ['a single IPv4 host', { kind: 'ipv4', value: '203.0.113.7/32' }, false],
    ['an IPv6 range', { kind: 'ipv6', value: '2001:db8::/32' }, false],
    ['half the IPv4 internet (not the whole of it)', { kind: 'ipv4', value: '0.0.0.0/1' }, false],
    ['a prefix list', { kind: 'prefix-list', value: 'pl-0123456789abcdef0' }, false],
    ['a referenced security group', { kind: 'security-group', value: 'sg-0123456789abcdef0' }, false],
  ])('%s → %s', (_label, source, expected) => {
    // Act
    const result = isInternetSource(source);

    // Assess
    expect(result).toBe(expected);
  });

  it('does not mistake a prefix list or group whose value ends in /0 for the internet', () => {
    expect(isInternetSource({ kind: 'prefix-list', value: 'x/0' })).toBe(false);
    expect(isInternetCidr('x/0')).toBe(true);
  });
});

describe('HIGH_RISK_PORTS', () => {
  it('is Security Hub EC2.19’s list, sorted and without duplicates', () => {
    expect(HIGH_RISK_PORTS).toEqual([
      20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601,
      8080, 8088, 8888, 9200, 9300,
    ]);
    expect(new Set(HIGH_RISK_PORTS).size).toBe(HIGH_RISK_PORTS.length);
  });
});

describe('protocolKind', () => {
  it.each([
    ['-1', 'all'],
    ['tcp', 'tcp'],
    ['6', 'tcp'],
    ['TCP', 'tcp'],
    ['udp', 'udp'],
    ['17', 'udp'],
    ['icmp', 'icmp'],
    ['1', 'icmp'],
    ['icmpv6', 'icmpv6'],
    ['58', 'icmpv6'],
    ['50', 'other'],
    ['47', 'other'],
  ])('%s is %s', (protocol, expected) => {
    expect(protocolKind(protocol)).toBe(expected);
  });
});

describe('portRangeOf', () => {
  it.each([
    ['a single TCP port', permission('tcp', 22), { from: 22, to: 22 }],
    ['a UDP range', permission('17', [500, 4500]), { from: 500, to: 4500 }],
    ['TCP with no ports (all of them)', permission('tcp', undefined), { from: 0, to: 65535 }],
    ['all traffic (no ports to speak of)', permission('-1', undefined), undefined],
    ['ICMP (type and code, not ports)', permission('icmp', [8, 0]), undefined],
    ['another protocol', permission('50', undefined), undefined],
  ])('%s', (_label, rule, expected) => {
    expect(portRangeOf(rule)).toEqual(expected);
  });
});

describe('highRiskPortsIn and onlyAuthorizedPorts', () => {
  it.each([
    [{ from: 0, to: 65535 }, HIGH_RISK_PORTS],
    [{ from: 20, to: 25 }, [20, 21, 22, 23, 25]],
    [{ from: 3300, to: 3400 }, [3306, 3389]],
    [{ from: 80, to: 443 }, [110, 135, 143]],
    [{ from: 443, to: 443 }, []],
    [{ from: 9301, to: 65535 }, []],
  ])('%o holds %o', (range, expected) => {
    expect(highRiskPortsIn(range)).toEqual(expected);
  });

  it('leaves out the high-risk ports the operator authorized', () => {
    expect(highRiskPortsIn({ from: 8000, to: 8100 }, [8080])).toEqual([8088]);
  });

  it.each([
    [{ from: 80, to: 80 }, true],
    [{ from: 443, to: 443 }, true],
    [{ from: 80, to: 81 }, false],
    [{ from: 80, to: 443 }, false],
    [{ from: 8443, to: 8443 }, false],
  ])('%o only authorized ports: %s', (range, expected) => {
    expect(onlyAuthorizedPorts(range, authorized)).toBe(expected);
  });
});

describe('exposureOf', () => {
  it.each([
    ['all traffic', 'all-traffic', 'critical', permission('-1', undefined), []],
    ['SSH', 'high-risk-port', 'high', permission('tcp', 22), [22]],
    ['every TCP port', 'high-risk-port', 'high', permission('tcp', [0, 65535]), HIGH_RISK_PORTS],
    ['FTP to SMTP', 'high-risk-port', 'high', permission('tcp', [20, 25]), [20, 21, 22, 23, 25]],
    ['a range around MySQL and RDP', 'high-risk-port', 'high', permission('6', [3300, 3400]), [3306, 3389]],
    [
      '80-443 (holds POP3, RPC, IMAP)',
      'high-risk-port',
      'high',
      permission('tcp', [80, 443]),
      [110, 135, 143],
    ],
    ['a UDP high-risk port', 'high-risk-port', 'high', permission('udp', 3389), [3389]],
    ['another TCP port', 'other-port', 'medium', permission('tcp', 8443), []],
    ['a UDP range without high-risk ports', 'other-port', 'medium', permission('udp', [60000, 61000]), []],
    ['a whole other protocol (ESP)', 'other-protocol', 'medium', permission('50', undefined), []],
    ['ICMP', 'icmp', 'low', permission('icmp', undefined), []],
    ['ICMP echo', 'icmp', 'low', permission('1', [8, -1]), []],
    ['ICMPv6', 'icmp', 'low', permission('icmpv6', undefined), []],
  ])('%s is %s (%s)', (_label, kind, severity, rule, highRiskPorts) => {
    // Act
    const exposure = exposureOf(rule, authorized);

    // Assess
    expect(exposure).toMatchObject({ kind, severity, highRiskPorts });
  });

  it.each([
    ['HTTP', permission('tcp', 80)],
    ['HTTPS', permission('tcp', 443)],
    ['QUIC', permission('udp', 443)],
  ])('%s, an authorized port, is no exposure', (_label, rule) => {
    expect(exposureOf(rule, authorized)).toBeUndefined();
  });

  it('honours a custom authorized list, high-risk ports included', () => {
    expect(exposureOf(permission('tcp', 8443), [8443])).toBeUndefined();
    expect(exposureOf(permission('tcp', 22), [22])).toBeUndefined();
    expect(exposureOf(permission('tcp', 80), [8443])).toMatchObject({ kind: 'other-port' });
  });

  it('keeps all traffic critical whatever is authorized', () => {
    expect(exposureOf(permission('-1', undefined), HIGH_RISK_PORTS)).toMatchObject({ severity: 'critical' });
  });
});
