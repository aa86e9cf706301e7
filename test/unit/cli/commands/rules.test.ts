import { describe, expect, it } from 'vitest';
import { allRules } from '../../../../rules/index.ts';
import { complianceRows, rulesCommand, shortControls } from '../../../../src/cli/commands/rules.ts';
import { captureIo } from '../../../support/capture-io.ts';

describe('estatescan rules --compliance', () => {
  it('lists each Security Hub and CIS control with the rules that check it, then the rules that map to none', async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await rulesCommand(['--compliance'], { interactive: false }, io);

    // Assess
    const out = io.out.join('');
    expect(code).toBe(0);
    expect(out).toMatch(/AWS Security Hub\s+EC2\.19\s+ec2-security-group-open-ingress/);
    expect(out).toMatch(/CIS AWS Foundations Benchmark v3\.0\.0\s+5\.2\s+ec2-security-group-open-ingress/);
    expect(out).toMatch(/AWS Security Hub\s+S3\.1\s+s3-bucket-public-access-not-blocked/);
    expect(out).toMatch(/map to no control: .*ec2-instance-os-eol/);
  });

  it('writes the same as JSON, controls in numeric order', async () => {
    // Prepare
    const io = captureIo();

    // Act
    await rulesCommand(['--compliance', '--format', 'json'], { interactive: false }, io);
    const parsed = JSON.parse(io.out.join('')) as { controls: { standard: string; control: string }[] };

    // Assess
    const hub = parsed.controls.filter((c) => c.standard === 'AWS Security Hub').map((c) => c.control);
    expect(hub.indexOf('EC2.8')).toBeLessThan(hub.indexOf('EC2.19'));
    expect(parsed.controls).toEqual(complianceRows(allRules));
  });
});

describe('estatescan rules at a terminal', () => {
  it('lists only the rules of --service', async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await rulesCommand(['--service', 'eks', '--format', 'json'], { interactive: false }, io);

    // Assess
    const ids = (JSON.parse(io.out.join('')) as { id: string; service: string }[]).map((r) => r.id);
    expect(code).toBe(0);
    expect(ids.sort()).toEqual(
      allRules
        .filter((r) => r.service === 'eks')
        .map((r) => r.id)
        .sort(),
    );
  });

  it('refuses an unknown service, naming the ones there are', async () => {
    await expect(rulesCommand(['--service', 'lambda'], { interactive: false }, captureIo())).rejects.toThrow(
      /--service: unknown service "lambda" \(one of ec2, ecr, ecs, eks, s3, ssm, vpc\)/,
    );
  });

  it('fits 100 columns with every rule id whole, and 80 without the optional columns', async () => {
    // Prepare
    const at100 = captureIo();
    const at80 = captureIo();
    const wide = captureIo();

    // Act
    await rulesCommand([], { interactive: false, columns: 100 }, at100);
    await rulesCommand([], { interactive: false, columns: 80 }, at80);
    await rulesCommand(['--wide'], { interactive: false, columns: 80 }, wide);

    // Assess
    const table = (io: ReturnType<typeof captureIo>) => io.out.join('').split('\n\n')[0]!.split('\n');
    for (const line of table(at100)) expect(line.length).toBeLessThanOrEqual(100);
    for (const line of table(at80)) expect(line.length).toBeLessThanOrEqual(80);
    for (const rule of allRules) {
      expect(at80.out.join('')).toContain(`${rule.id} `);
      expect(wide.out.join('')).toContain(rule.title);
    }
    expect(table(at100)[0]).toMatch(/^id\s+severity\s+service\s+controls\s+title$/);
    expect(table(at80)[0]).toMatch(/^id\s+severity\s+title$/);
    expect(at80.out.join('')).toContain('Cut to fit 80 columns (without service, controls)');
    expect(wide.out.join('')).not.toContain('Cut to fit');
  });

  it('colours severities on a colour terminal only', async () => {
    // Prepare
    const plain = captureIo();
    const coloured = captureIo();

    // Act
    await rulesCommand([], { interactive: false, columns: 100 }, plain);
    await rulesCommand([], { interactive: false, columns: 100, color: true }, coloured);

    // Assess
    expect(plain.out.join('')).not.toContain('\u001b[');
    expect(coloured.out.join('')).toContain('\u001b[1;31mcritical\u001b[0m');
  });

  it('names each rule’s controls briefly: Security Hub’s, then CIS’s', () => {
    const byId = new Map(allRules.map((r) => [r.id, r]));
    expect(shortControls(byId.get('ec2-security-group-open-ingress')!)).toBe('EC2.19 · CIS 5.2, 5.3');
    expect(shortControls(byId.get('eks-cluster-endpoint-public')!)).toMatch(/^EKS\.1 · CIS EKS \d/);
    expect(shortControls(byId.get('ec2-instance-os-eol')!)).toBe('');
  });
});
