import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { lifecycleStatus } from '../../../src/lifecycle/status.ts';
import { esc, renderHtml } from '../../../src/report/html.ts';
import { makeFinding, makeReport, PROD, reportLifecycle } from '../../fixtures/report.ts';
import { ACCOUNT_NAMES, withContext } from '../../fixtures/report-context.ts';

const count = (html: string, pattern: RegExp) => html.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

describe('renderHtml', () => {
  it('is one self-contained document that loads nothing from anywhere', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\b(src|href|action|poster|srcset)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<script\b[^>]*\bsrc=/i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(count(html, /<script\b/)).toBe(1);
    expect(count(html, /<style\b/)).toBe(1);
  });

  it('allows only its own script through a Content-Security-Policy hash', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
    const script = html.match(/<script>([\s\S]*?)<\/script>/)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
  });

  it('has the stable ids and data attributes the browser test and users rely on', () => {
    // Prepare
    const report = makeReport();

    // Act
    const html = renderHtml(report);

    // Assess
    for (const id of ['summary', 'timeline', 'inventory', 'findings', 'shown-count', 'coverage']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toMatch(/<select id="filter-severity">/);
    expect(html).toMatch(/<select id="filter-account">/);
    expect(count(html, /<tr data-severity="[a-z]+" data-account="\d{12}"/)).toBe(report.findings.length);
    expect(count(html, /<li class="timeline-item"/)).toBe(report.lifecycle.length);
    expect(html).toContain(`<span id="shown-count">${report.findings.length}</span>`);
  });

  it('shows open findings per severity in the summary cards', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    const cards = [
      ...html.matchAll(/data-severity="([a-z]+)" title="[^"]*">\s*<span class="count">(\d+)<\/span>/g),
    ];
    expect(Object.fromEntries(cards.map((m) => [m[1], Number(m[2])]))).toEqual({
      critical: 4,
      high: 5,
      medium: 3,
      low: 2,
      info: 1,
    });
    expect(html).toContain('1 suppressed · 1 resolved');
  });

  it('classifies lifecycle entries against the scan time and labels on-premises ones', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    const state = (resourceId: string) =>
      html.match(new RegExp(`data-state="([a-z]+)"[^>]*data-resource-id="${resourceId}"`))?.[1];
    expect(state('i-0c7e5f6a1b2c3d4e5')).toBe('ended'); // CentOS 7
    expect(state('i-0d1e2f3a4b5c6d7e8')).toBe('extended'); // Ubuntu 20.04 under ESM
    expect(state(`arn:aws:eks:eu-west-1:222222222222:cluster/analytics`)).toBe('soon'); // 78 days left
    expect(state('mi-0f1e2d3c4b5a69788')).toBe('supported'); // RHEL 8
    expect(count(html, /<span class="badge loc-on-premises">on-premises<\/span>/)).toBe(2);
  });

  it('reads each entry as the rules judged it: on its last day of support, support has not ended', () => {
    // Prepare: the scan ran on the last day of Ubuntu 20.04's ESM and of CentOS 7's support, with
    // a warning window of 500 days; the statuses come from the same arithmetic as the findings.
    const lastDay = '2030-04-02';
    const report = makeReport({
      finishedAt: `${lastDay}T18:00:00.000Z`,
      lifecycleWarningDays: 500,
      lifecycle: reportLifecycle().map((e) => ({
        ...e,
        status: lifecycleStatus(
          e.endOfExtended ? { endOfStandard: e.endOfStandard, endOfExtended: e.endOfExtended } : e,
          new Date(`${lastDay}T18:00:00.000Z`),
          500,
        ),
      })),
    });

    // Act
    const html = renderHtml(report);

    // Assess: "extended" (today), not "ended"; and the note names the configured window.
    const state = (resourceId: string) =>
      html.match(new RegExp(`data-state="([a-z]+)"[^>]*data-resource-id="${resourceId}"`))?.[1];
    expect(state('i-0d1e2f3a4b5c6d7e8')).toBe('extended');
    expect(html).toContain('extended until 2030-04-02 (today)');
    expect(html).toMatch(/ending within 500 days/);
  });

  it('sorts the timeline by end of standard support', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    const ids = [...html.matchAll(/data-resource-id="([^"]+)"/g)].map((m) => m[1]);
    const expected = [...reportLifecycle()]
      .sort((a, b) => a.endOfStandard.localeCompare(b.endOfStandard))
      .map((e) => e.resourceId);
    expect(ids).toEqual(expected);
  });

  it('escapes every value from the scan, so a hostile tag or message stays text', () => {
    // Prepare
    const hostile = '<script>alert("pwned")</script>';
    const finding = makeFinding({
      ruleId: 'ec2-instance-os-eol',
      severity: 'high',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEc2Instance',
      resourceId: '"><img src=x onerror=alert(1)>',
      message: `EC2 instance i-1 (${hostile}) runs CentOS Linux 7.`,
      evidence: { nameTag: hostile },
      remediation: `Rename ${hostile}`,
    });
    const lifecycle = [{ ...reportLifecycle()[0]!, name: hostile, product: "O'Reilly & <b>Co</b>" }];
    const inventory = [
      { ...makeReport().inventory[0]!, resourceType: '<svg onload=alert(1)>' as never, name: hostile },
    ];

    // Act
    const html = renderHtml(makeReport({ findings: [finding], lifecycle, inventory, runId: hostile }));

    // Assess
    expect(html).not.toContain(hostile);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('<b>Co</b>');
    expect(html).toContain(esc(finding.message));
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toContain('O&#39;Reilly &amp; &lt;b&gt;Co&lt;/b&gt;');
    expect(count(html, /<script\b/)).toBe(1);
  });

  it('keeps documentation links in remediation as plain text', () => {
    // Prepare
    const finding = makeFinding({
      ruleId: 'ecr-repository-public',
      severity: 'high',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEcrRepository',
      resourceId: 'app',
      message: 'ECR repository app is public.',
      evidence: {},
      remediation: 'See https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html',
    });

    // Act
    const html = renderHtml(makeReport({ findings: [finding] }));

    // Assess
    expect(html).toContain(
      'See https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html',
    );
    expect(html).not.toMatch(/href=/i);
  });

  it('shows account names, resource tags, controls and per-rule counts, still linking nowhere', () => {
    // Prepare
    const report = withContext(makeReport());

    // Act
    const html = renderHtml(report);

    // Assess
    const byRule = html.slice(html.indexOf('id="by-rule"'), html.indexOf('id="timeline"'));
    const versioning = byRule.slice(byRule.indexOf('<code>s3-bucket-versioning-disabled</code>'));
    expect(versioning.slice(0, versioning.indexOf('</tr>'))).toMatch(
      /AWS Security Hub S3\.14<\/td><td>.*?<\/td><td class="num">50<\/td><td class="num">4<\/td><td class="num">46<\/td>/,
    );
    expect(byRule).toContain('CIS AWS Foundations Benchmark v3.0.0 5.2');
    expect(html).toContain(`${ACCOUNT_NAMES[PROD]} <span class="muted">${PROD}</span>`);
    expect(html).toContain('<span class="tag">cost-center=4711</span>');
    expect(html).toContain(`<option value="${PROD}">${ACCOUNT_NAMES[PROD]} (${PROD})</option>`);
    expect(html).not.toMatch(/href=/i);
  });

  it('lists incomplete targets, collection errors and rules not evaluated', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    const coverage = html.slice(html.indexOf('id="coverage"'));
    expect(coverage).toContain('Incomplete targets (2 of 5)');
    expect(coverage).toContain('ap-southeast-2');
    expect(coverage).toContain('sts:AssumeRole');
    expect(coverage).toContain('managed-instance-os-eol');
    expect(coverage).toContain('not evaluated: ssm.managedInstances could not be read');
  });

  it('counts inventory per account, region and resource type, on premises apart', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    const inventory = html.slice(html.indexOf('id="inventory"'), html.indexOf('id="findings"'));
    expect(inventory).toContain('26 resources in 4 accounts and regions');
    expect(inventory).toMatch(/<td>111111111111<\/td><td>eu-west-1<\/td>.*<td class="num">14<\/td><\/tr>/);
    expect(inventory).toContain('1 <span class="muted">(1 on-prem)</span>');
  });

  it('says there are no findings instead of an empty table', () => {
    // Act
    const html = renderHtml(makeReport({ findings: [] }));

    // Assess
    expect(html).toContain('No findings in 5 targets.');
    expect(html).not.toContain('id="filter-severity"');
  });

  it('renders the same report to the same page', () => {
    // Act
    const first = renderHtml(makeReport());
    const second = renderHtml(makeReport());

    // Assess
    expect(first).toBe(second);
  });
});

describe('renderHtml on every screen', () => {
  it('has a search box and a sort button in every column header', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    expect(html).toContain('<input type="search" id="filter-text"');
    const headers = html.match(/<th[\s>][\s\S]*?<\/th>/g) ?? [];
    expect(headers.length).toBeGreaterThan(20);
    for (const th of headers) expect(th).toMatch(/aria-sort="none"><button type="button" class="sort">/);
  });

  it('puts every table in a box that scrolls on its own, and severities sort by rank', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    expect((html.match(/<table/g) ?? []).length).toBe(
      (html.match(/<div class="scroll"><table/g) ?? []).length,
    );
    expect(html).toContain('<span class="sev sev-critical" data-rank="4">critical</span>');
  });

  it('styles a phone, dark mode and print, where every finding is expanded', () => {
    // Act
    const html = renderHtml(makeReport());

    // Assess
    expect(html).toContain('@media (max-width: 720px)');
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toMatch(
      /@media print \{[\s\S]*details::details-content \{ content-visibility:visible; display:block; \}/,
    );
    expect(html).toContain("addEventListener('beforeprint'");
  });
});
