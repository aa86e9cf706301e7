import { describe, expect, it } from 'vitest';
import { groupChangeSet } from '../../../src/alerts/group.ts';
import { renderGroup } from '../../../src/alerts/render.ts';
import { chunk, parseSnsMessage, slackLimits, toSlackBlocks } from '../../../src/alerts/slack.ts';
import type { FindingChange } from '../../../src/findings/changes.ts';
import { makeFinding, PROD } from '../../fixtures/report.ts';

function changes(count: number): FindingChange[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'new',
    runId: 'run-1',
    at: '2026-09-15T06:04:12.000Z',
    finding: makeFinding({
      ruleId: 'ec2-security-group-open-ingress',
      severity: i === 0 ? 'critical' : 'high',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsEc2SecurityGroup',
      resourceId: `sg-${String(i).padStart(17, '0')}`,
      message: `Security group sg-${i} allows ingress from 0.0.0.0/0 on port 22. ${'Details. '.repeat(30)}`,
      evidence: { port: 22 },
      remediation: `1. Restrict the rule. CLI: aws ec2 revoke-security-group-ingress --group-id sg-${i} --protocol tcp --port 22 --cidr 0.0.0.0/0`,
    }),
  }));
}

function chatbotFor(count: number) {
  const [group] = groupChangeSet({ runId: 'run-1', changes: changes(count), baselines: [] });
  return renderGroup(group!, { table: 'findings' }).chatbot;
}

function sectionTexts(blocks: ReturnType<typeof toSlackBlocks>['blocks']): string[] {
  return blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : []));
}

describe('toSlackBlocks', () => {
  it('turns a Chatbot notification into a header, sections, next steps and context', () => {
    // Prepare
    const chatbot = chatbotFor(2);

    // Act
    const payload = toSlackBlocks(chatbot);

    // Assess
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: `:rotating_light: estatescan ${PROD}: 1 new critical, 1 new high`,
        emoji: true,
      },
    });
    const texts = sectionTexts(payload.blocks);
    expect(texts[0]).toContain('*NEW · CRITICAL* Security group allows ingress from the internet');
    expect(texts.at(-1)).toMatch(/^\*Next steps\*\n• Fix `sg-0+`: `aws ec2 revoke-security-group-ingress/);
    expect(payload.blocks.at(-1)).toEqual({
      type: 'context',
      // verbatim: Slack must not auto-link or parse mentions in text that quotes resource data.
      elements: [{ type: 'mrkdwn', text: `estatescan · account ${PROD} · run run-1`, verbatim: true }],
    });
    expect(payload.text).toBe(`${PROD}: 1 new critical, 1 new high`);
  });

  it('keeps within Slack limits for a large notification', () => {
    // Prepare
    const chatbot = chatbotFor(500);
    chatbot.content.description += `\n\n${'a very long line '.repeat(1_000)}`;

    // Act
    const payload = toSlackBlocks(chatbot);

    // Assess
    expect(payload.blocks.length).toBeLessThanOrEqual(slackLimits.blocks);
    for (const text of sectionTexts(payload.blocks))
      expect(text.length).toBeLessThanOrEqual(slackLimits.sectionText);
    const header = payload.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(slackLimits.headerText);
    expect(payload.text.length).toBeGreaterThan(0);
  });

  it('puts plain text in at most 50 blocks of preformatted sections, saying what was left out', () => {
    // Prepare
    const text = Array.from({ length: 5_000 }, (_, i) => `line ${i} <with> & ${'x'.repeat(40)}`).join('\n');
    const subject = `[estatescan] ${PROD}: ${'many changes '.repeat(20)}`;

    // Act
    const payload = toSlackBlocks(parseSnsMessage(text, subject));

    // Assess
    expect(payload.blocks).toHaveLength(slackLimits.blocks);
    const texts = sectionTexts(payload.blocks);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(slackLimits.sectionText);
    expect(texts[0]).toMatch(/^```\nline 0 &lt;with&gt; &amp; x+/);
    expect(texts.at(-1)).toMatch(/more sections left out/);
    const header = payload.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBe(slackLimits.headerText);
    expect(payload.text.startsWith(`[estatescan] ${PROD}: many changes`)).toBe(true);
  });

  it('falls back to a title when plain text comes without a subject', () => {
    // Act
    const payload = toSlackBlocks(parseSnsMessage('hello'));

    // Assess
    expect(payload.text).toBe('estatescan');
    expect(sectionTexts(payload.blocks)).toEqual(['```\nhello\n```']);
  });
});

describe('parseSnsMessage', () => {
  it('recognizes a Chatbot notification and leaves anything else as text', () => {
    // Prepare
    const chatbot = chatbotFor(1);

    // Act
    const parsed = parseSnsMessage(JSON.stringify(chatbot));
    const other = parseSnsMessage('{"version":"0","detail":{}}', 'Subject');

    // Assess
    expect(parsed).toEqual(chatbot);
    expect(other).toEqual({ subject: 'Subject', text: '{"version":"0","detail":{}}' });
  });
});

describe('chunk', () => {
  it('keeps paragraphs whole when they fit, and cuts only what cannot fit', () => {
    // Act
    const pieces = chunk(`aaaa\n\nbbbb\n\ncccc\n\n${'d'.repeat(25)}`, 10);

    // Assess
    expect(pieces).toEqual(['aaaa\n\nbbbb', 'cccc', 'dddddddddd', 'dddddddddd', 'ddddd']);
  });
});
