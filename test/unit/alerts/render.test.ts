import { describe, expect, it } from 'vitest';
import { type ChatbotNotification, chatbotLimits } from '../../../src/alerts/chatbot.ts';
import { RULE_IDS_MAX_BYTES, snsMessageBody } from '../../../src/alerts/envelope.ts';
import { type ChangeGroup, groupChangeSet } from '../../../src/alerts/group.ts';
import { renderGroup } from '../../../src/alerts/render.ts';
import type { BaselineSummary, ChangeKind, ChangeSet, FindingChange } from '../../../src/findings/changes.ts';
import type { Finding, Severity } from '../../../src/findings/types.ts';
import { forSubject } from '../../../src/text/sanitize.ts';
import { DATA, makeFinding, PROD } from '../../fixtures/report.ts';

const RUN = 'run-2026-09-15T06:00:00Z';
const AT = '2026-09-15T06:04:12.000Z';
const REMEDIATION =
  '1. Open the S3 console and choose the bucket. 2. Under Bucket Versioning, choose Edit and Enable. ' +
  'CLI: aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled';

function change(
  kind: ChangeKind,
  severity: Severity,
  resourceId: string,
  overrides: Partial<Finding> = {},
  extra: Partial<FindingChange> = {},
): FindingChange {
  return {
    kind,
    runId: RUN,
    at: AT,
    ...extra,
    finding: makeFinding({
      ruleId: 's3-bucket-versioning-disabled',
      severity,
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsS3Bucket',
      resourceId,
      message: `S3 bucket ${resourceId} has never had versioning enabled.`,
      evidence: { versioning: 'Never' },
      remediation: REMEDIATION,
      ...(kind === 'resolved' ? { status: 'resolved' as const } : {}),
      ...overrides,
    }),
  };
}

function changeSet(changes: FindingChange[], baselines: BaselineSummary[] = []): ChangeSet {
  return { runId: RUN, changes, baselines };
}

function onlyGroup(changes: FindingChange[]): ChangeGroup {
  const [group] = groupChangeSet(changeSet(changes));
  if (group?.kind !== 'changes') throw new Error('expected a change group');
  return group;
}

describe('groupChangeSet', () => {
  it('makes one group per account, worst account first, most severe change first inside', () => {
    // Prepare
    const changes = [
      change('new', 'low', 'low-new'),
      change('resolved', 'critical', 'critical-resolved'),
      change('new', 'critical', 'critical-new'),
      change('evidence-changed', 'high', 'high-evidence'),
      change('escalated', 'critical', 'critical-escalated', {}, { previousSeverity: 'high' }),
      change('suppressed', 'high', 'high-suppressed'),
      change('new', 'high', 'high-new'),
      change('new', 'medium', 'data-medium', { accountId: DATA }),
    ];

    // Act
    const groups = groupChangeSet(changeSet(changes));

    // Assess
    expect(groups.map((g) => [g.kind, g.accountId])).toEqual([
      ['changes', PROD],
      ['changes', DATA],
    ]);
    const first = groups[0];
    expect(first?.kind === 'changes' && first.changes.map((c) => c.finding.resourceId)).toEqual([
      'critical-new',
      'critical-escalated',
      'critical-resolved',
      'high-new',
      'high-evidence',
      'high-suppressed',
      'low-new',
    ]);
  });

  it('puts the baselines of the run in one summary group per account, after the changes', () => {
    // Prepare
    const baseline = (accountId: string, region: string): BaselineSummary => ({
      accountId,
      region,
      runId: RUN,
      at: AT,
      open: { high: 1 },
      suppressed: 0,
      top: [],
    });

    // Act
    const groups = groupChangeSet(
      changeSet(
        [change('new', 'low', 'b')],
        [baseline(DATA, 'us-east-1'), baseline(PROD, 'us-east-1'), baseline(DATA, 'eu-west-1')],
      ),
    );

    // Assess
    expect(groups.map((g) => [g.kind, g.accountId])).toEqual([
      ['changes', PROD],
      ['baseline', PROD],
      ['baseline', DATA],
    ]);
    const data = groups[2];
    expect(data?.kind === 'baseline' && data.baselines.map((b) => b.region)).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  it('makes no group from an empty change set', () => {
    // Act
    const groups = groupChangeSet(changeSet([]));

    // Assess
    expect(groups).toEqual([]);
  });
});

describe('renderGroup: subject', () => {
  it('counts what got worse by severity and the rest by kind', () => {
    // Prepare
    const group = onlyGroup([
      change('new', 'critical', 'a'),
      change('new', 'critical', 'b'),
      change('resolved', 'medium', 'c'),
    ]);

    // Act
    const { subject } = renderGroup(group);

    // Assess
    expect(subject).toBe(`[estatescan] ${PROD}: 2 new critical, 1 resolved`);
  });

  it('stays under 100 ASCII characters with a long, non-ASCII title and resource', () => {
    // Prepare
    const group = onlyGroup([
      change('new', 'high', 'serveur-élysée-日本語-straße', {
        title: `Ünïcödé “quoted” title — ${'very long '.repeat(20)}`,
      }),
    ]);

    // Act
    const { subject } = renderGroup(group);
    const split = renderGroup(group, { part: { index: 2, total: 3, first: 1, of: 1 } }).subject;

    // Assess
    for (const s of [subject, split]) {
      expect(s.length).toBeLessThan(100);
      expect(s).toMatch(/^[\x20-\x7e]+$/);
    }
    expect(subject).toMatch(
      /^\[estatescan\] 111111111111: new high serveur-elysee-\?-strasse: Unicode "quoted" title - very/,
    );
    expect(subject.endsWith('...')).toBe(true);
    expect(split.endsWith('... (2/3)')).toBe(true);
  });

  it('makes subjects ASCII with no line breaks', () => {
    // Act
    const subject = forSubject('Crème\nbrûlée\t— 100 %');

    // Assess
    expect(subject).toBe('Creme brulee - 100 %');
  });
});

describe('renderGroup: email', () => {
  it('has a header, one block per change with copy-pasteable remediation, and a query footer', () => {
    // Prepare
    const group = onlyGroup([
      change(
        'escalated',
        'critical',
        'logs',
        { evidence: { versioning: 'Never', objects: 12 } },
        { previousSeverity: 'high' },
      ),
      change('resolved', 'medium', 'old-bucket'),
    ]);

    // Act
    const { email } = renderGroup(group, { table: 'estatescan-findings' });

    // Assess
    const lines = email.split('\n');
    expect(lines[0]).toBe(`estatescan: 2 changes in account ${PROD} (run ${RUN}, 2026-09-15 06:04 UTC)`);
    expect(lines).toContain('[1] ESCALATED - CRITICAL - S3 bucket versioning is not enabled');
    expect(lines).toContain('    Resource:   AwsS3Bucket logs');
    expect(lines).toContain('    Region:     eu-west-1');
    expect(lines).toContain('    What:       S3 bucket logs has never had versioning enabled.');
    expect(lines).toContain('    Change:     severity high -> critical');
    expect(lines).toContain('      versioning: Never');
    expect(lines).toContain('      objects: 12');
    expect(lines).toContain('      1. Open the S3 console and choose the bucket.');
    expect(lines).toContain('      2. Under Bucket Versioning, choose Edit and Enable.');
    expect(lines).toContain(
      '        aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled',
    );
    expect(lines).toContain('[2] RESOLVED - MEDIUM - S3 bucket versioning is not enabled');
    expect(lines).toContain(`  estatescan findings --table estatescan-findings --account ${PROD}`);
    // A resolved finding needs nothing done: no remediation in its block.
    expect(email.slice(email.indexOf('[2] RESOLVED'))).not.toContain('Remediation:');
  });

  it('has no working links, even when the remediation or the evidence has one', () => {
    // Prepare
    const group = onlyGroup([
      change('new', 'high', 'b', {
        remediation: `See https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html first. ${REMEDIATION}`,
        evidence: {
          reference: 'http://example.com/x?y=1',
          site: 'www.example.org/page',
          arn: 'arn:aws:s3:::b',
        },
      }),
    ]);

    // Act
    const { email } = renderGroup(group);

    // Assess
    // Defused rather than removed (was `[link removed]`, which missed `evil.example/x`): readable, not followable.
    expect(email).not.toMatch(/https?:\/\//i);
    expect(email).not.toContain('www.');
    expect(email).toContain('reference: http[:]//example[.]com/x?y=1');
    expect(email).toContain('site: www[.]example[.]org/page');
    expect(email).toContain('See https[:]//docs[.]aws[.]amazon[.]com/AmazonS3/');
    expect(email).toContain('arn:aws:s3:::b');
  });
});

describe('renderGroup: chatbot', () => {
  it('is an AWS Chatbot custom notification', () => {
    // Prepare
    const group = onlyGroup([change('new', 'critical', 'a'), change('resolved', 'low', 'b')]);

    // Act
    const { chatbot } = renderGroup(group, { table: 'findings' });
    const parsed = JSON.parse(JSON.stringify(chatbot)) as ChatbotNotification;

    // Assess
    expect(parsed.version).toBe('1.0');
    expect(parsed.source).toBe('custom');
    expect(parsed.content.textType).toBe('client-markdown');
    expect(parsed.content.title).toBe(`:rotating_light: estatescan ${PROD}: 1 new critical, 1 resolved`);
    expect(parsed.content.description).toContain('*NEW · CRITICAL* S3 bucket versioning is not enabled');
    expect(parsed.content.nextSteps).toEqual([
      'Fix `a`: `aws s3api put-bucket-versioning --bucket &lt;bucket&gt; --versioning-configuration Status=Enabled`',
      `See all open findings: \`estatescan findings --table findings --account ${PROD}\``,
    ]);
    expect(parsed.metadata?.threadId).toBe(`estatescan-${RUN}-${PROD}`);
    expect(parsed.metadata?.eventType).toBe('estatescan.changes');
    expect(parsed.metadata?.additionalContext).toMatchObject({ accountId: PROD, runId: RUN, changes: '2' });
  });

  it('keeps within the limits with many changes and escapes Slack control sequences', () => {
    // Prepare
    const changes = Array.from({ length: 400 }, (_, i) =>
      change('new', 'high', `bucket-${i}`, {
        message: `<!channel> bucket-${i} & friends ${'x'.repeat(100)}`,
      }),
    );

    // Act
    const { chatbot } = renderGroup(onlyGroup(changes));

    // Assess
    expect(chatbot.content.title.length).toBeLessThanOrEqual(chatbotLimits.title);
    expect(chatbot.content.description.length).toBeLessThanOrEqual(chatbotLimits.description);
    expect(chatbot.content.description).toMatch(/…and \d+ more: `estatescan findings/);
    expect(chatbot.content.description).not.toContain('<!channel>');
    expect(chatbot.content.description).toContain('&lt;!channel&gt; bucket-0 &amp; friends');
    expect(chatbot.content.nextSteps?.length).toBeLessThanOrEqual(chatbotLimits.nextSteps);
    expect(chatbot.metadata?.relatedResources?.length).toBeLessThanOrEqual(chatbotLimits.relatedResources);
  });

  it('goes under https and lambda, the text under default and email', () => {
    // Prepare
    const rendered = renderGroup(onlyGroup([change('new', 'high', 'a')]));

    // Act
    const body = JSON.parse(snsMessageBody(rendered)) as Record<string, string>;

    // Assess
    expect(Object.keys(body).sort()).toEqual(['default', 'email', 'https', 'lambda']);
    expect(body.default).toBe(rendered.email);
    expect(body.email).toBe(rendered.email);
    expect(JSON.parse(body.https ?? '')).toEqual(rendered.chatbot);
    expect(JSON.parse(body.lambda ?? '')).toEqual(rendered.chatbot);
  });
});

describe('renderGroup: attributes', () => {
  it('carries the worst severity, the rule ids, the account, the kinds of change and each severity:kind pair', () => {
    // Prepare
    const group = onlyGroup([
      change('resolved', 'low', 'a'),
      change('new', 'critical', 'i-1', { ruleId: 'ec2-instance-os-eol' }),
      change('new', 'high', 'b'),
    ]);

    // Act
    const { attributes } = renderGroup(group);

    // Assess
    expect(attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      accountId: { DataType: 'String', StringValue: PROD },
      ruleId: {
        DataType: 'String.Array',
        StringValue: '["ec2-instance-os-eol","s3-bucket-versioning-disabled"]',
      },
      change: { DataType: 'String.Array', StringValue: '["new","resolved"]' },
      severityChange: {
        DataType: 'String.Array',
        StringValue: '["critical:new","high:new","low:resolved"]',
      },
    });
  });

  it('pairs severity and kind, so a critical resolved and a low new are not a critical new', () => {
    // Prepare
    const group = onlyGroup([change('resolved', 'critical', 'a'), change('new', 'low', 'b')]);

    // Act
    const { attributes } = renderGroup(group);

    // Assess
    // The unpaired attributes would pass a {"severity":["critical"],"change":["new"]} filter.
    expect(attributes.severity?.StringValue).toBe('critical');
    expect(JSON.parse(attributes.change?.StringValue ?? '')).toEqual(['new', 'resolved']);
    expect(JSON.parse(attributes.severityChange?.StringValue ?? '')).toEqual([
      'critical:resolved',
      'low:new',
    ]);
  });

  it('names one pair once, however many changes share it', () => {
    // Prepare
    const group = onlyGroup([
      change('new', 'high', 'a'),
      change('new', 'high', 'b'),
      change('escalated', 'high', 'c', {}, { previousSeverity: 'medium' }),
    ]);

    // Act
    const { attributes } = renderGroup(group);

    // Assess
    expect(attributes.severityChange?.StringValue).toBe('["high:new","high:escalated"]');
  });

  it('keeps the rule ids within their bound, those of the most severe findings first', () => {
    // Prepare
    const changes = Array.from({ length: 300 }, (_, i) =>
      change('new', i === 299 ? 'critical' : 'low', `b-${i}`, {
        ruleId: `custom-rule-with-a-long-name-${String(i).padStart(3, '0')}`,
      }),
    );

    // Act
    const { attributes } = renderGroup(onlyGroup(changes));

    // Assess
    const value = attributes.ruleId?.StringValue ?? '';
    const ruleIds = JSON.parse(value) as string[];
    expect(Buffer.byteLength(value, 'utf8')).toBeLessThanOrEqual(RULE_IDS_MAX_BYTES);
    expect(ruleIds.length).toBeGreaterThan(50);
    expect(ruleIds.length).toBeLessThan(300);
    expect(ruleIds).toContain('custom-rule-with-a-long-name-299');
    expect(ruleIds).toEqual([...ruleIds].sort());
  });
});

describe('renderGroup: baseline summary', () => {
  it('summarizes a first scan once, with the top five findings', () => {
    // Prepare
    const top = Array.from({ length: 6 }, (_, i) =>
      makeFinding({
        ruleId: 'ec2-security-group-open-ingress',
        severity: i < 2 ? 'critical' : 'high',
        accountId: PROD,
        region: 'eu-west-1',
        resourceType: 'AwsEc2SecurityGroup',
        resourceId: `sg-${i}`,
        message: `Security group sg-${i} allows ingress from 0.0.0.0/0 on all ports.`,
        evidence: {},
        remediation: `1. Restrict the rule. CLI: aws ec2 revoke-security-group-ingress --group-id sg-${i}`,
      }),
    );
    const baseline: BaselineSummary = {
      accountId: PROD,
      region: 'eu-west-1',
      runId: RUN,
      at: AT,
      open: { critical: 2, high: 3, medium: 7 },
      suppressed: 1,
      top,
      ruleIds: ['ec2-security-group-open-ingress', 'vpc-flow-logs-disabled'],
    };
    const [group] = groupChangeSet(changeSet([], [baseline]));

    // Act
    const rendered = renderGroup(group!, { table: 'findings' });

    // Assess
    expect(rendered.subject).toBe(
      `[estatescan] ${PROD}: first scan of eu-west-1, 12 open findings (2 critical, 3 high, 7 medium)`,
    );
    expect(rendered.email).toContain(
      `First scan of ${PROD} eu-west-1: 12 open findings (2 critical, 3 high, 7 medium), 1 suppressed, top 5:`,
    );
    expect(rendered.email).toContain('  5. HIGH - Security group allows ingress from the internet');
    expect(rendered.email).not.toContain('  6. ');
    expect(rendered.email).toContain('       aws ec2 revoke-security-group-ingress --group-id sg-0');
    expect(rendered.chatbot.metadata?.eventType).toBe('estatescan.baseline');
    expect(rendered.chatbot.content.description).toContain('*CRITICAL* Security group allows ingress');
    expect(rendered.attributes.change).toEqual({ DataType: 'String.Array', StringValue: '["baseline"]' });
    expect(rendered.attributes.severity).toEqual({ DataType: 'String', StringValue: 'critical' });
    // Every rule of the baseline, not only those of the five findings it lists.
    expect(rendered.attributes.ruleId).toEqual({
      DataType: 'String.Array',
      StringValue: '["ec2-security-group-open-ingress","vpc-flow-logs-disabled"]',
    });
    expect(rendered.attributes.severityChange).toEqual({
      DataType: 'String.Array',
      StringValue: '["critical:baseline","high:baseline","medium:baseline"]',
    });
  });

  it('says so when a first scan found nothing, with no rule ids attribute', () => {
    // Prepare
    const baseline: BaselineSummary = {
      accountId: DATA,
      region: 'us-east-1',
      runId: RUN,
      at: AT,
      open: {},
      suppressed: 0,
      top: [],
    };
    const [group] = groupChangeSet(changeSet([], [baseline]));

    // Act
    const rendered = renderGroup(group!);

    // Assess
    expect(rendered.subject).toBe(`[estatescan] ${DATA}: first scan of us-east-1, 0 open findings`);
    expect(rendered.email).toContain(`First scan of ${DATA} us-east-1: 0 open findings.`);
    expect(rendered.attributes.ruleId).toBeUndefined();
    expect(rendered.attributes.severityChange).toBeUndefined();
    expect(rendered.attributes.severity?.StringValue).toBe('info');
  });

  it('names the rules when it summarizes the first evaluation of rules new to a target scanned before', () => {
    // Prepare
    const finding = makeFinding({
      ruleId: 'ec2-instance-imdsv1-allowed',
      severity: 'high',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEc2Instance',
      resourceId: 'i-1',
      message: 'EC2 instance i-1 accepts IMDSv1.',
      evidence: {},
      remediation: '1. Require tokens.',
    });
    const baseline: BaselineSummary = {
      accountId: PROD,
      region: 'eu-west-1',
      runId: RUN,
      at: AT,
      open: { high: 1 },
      suppressed: 0,
      top: [finding],
      ruleIds: ['ec2-instance-imdsv1-allowed'],
      newRules: ['ec2-instance-imdsv1-allowed'],
    };
    const [group] = groupChangeSet(changeSet([], [baseline]));

    // Act
    const rendered = renderGroup(group!);

    // Assess
    expect(rendered.subject).toBe(
      `[estatescan] ${PROD}: new rules' first evaluation in eu-west-1, 1 open finding (1 high)`,
    );
    expect(rendered.email).toContain(`rules evaluated for the first time in account ${PROD}`);
    expect(rendered.email).toContain(
      `First evaluation of ec2-instance-imdsv1-allowed on ${PROD} eu-west-1: 1 open finding (1 high), top 1:`,
    );
    expect(rendered.email).not.toContain('first scan of account');
  });
});
