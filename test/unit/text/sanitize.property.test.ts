/**
 * Properties of the one sanitizer, through every sink that shows resource data to a person: the
 * terminal tables, CSV, the HTML report, the alert email and its subject, the Chatbot notification
 * and the Slack forwarder's blocks. Arbitrary hostile text (controls, escape sequences, bidi,
 * separators, zero-width characters, mrkdwn, `<!channel>`, URLs with and without a scheme, HTML,
 * formulas, long strings) goes into every field a finding, host or AWS error carries, and nothing
 * dangerous may come out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupChangeSet } from '../../../src/alerts/group.ts';
import { type ChatbotNotification, renderGroup } from '../../../src/alerts/render.ts';
import { parseSnsMessage, type SlackPayload, toSlackBlocks } from '../../../src/alerts/slack.ts';
import { renderErrors } from '../../../src/cli/commands/inventory.ts';
import { renderCsv, renderTable } from '../../../src/cli/table.ts';
import type { BaselineSummary, ChangeKind, FindingChange } from '../../../src/findings/changes.ts';
import type { Finding } from '../../../src/findings/types.ts';
import type { CollectionError } from '../../../src/inventory/types.ts';
import { renderFindingsCsv } from '../../../src/report/csv.ts';
import { renderHtml } from '../../../src/report/html.ts';
import { renderFindingsTable } from '../../../src/report/table.ts';
import type { ScanReport } from '../../../src/report/types.ts';
import {
  cut,
  defuseLinks,
  forSlack,
  forSubject,
  inCodeSpan,
  oneLine,
  visible,
} from '../../../src/text/sanitize.ts';
import { makeFinding, makeReport, PROD, reportInventory, reportLifecycle } from '../../fixtures/report.ts';

// ---------------------------------------------------------------- hostile text

const controls = fc.constantFrom(
  '\x00',
  '\x07',
  '\b',
  '\t',
  '\n',
  '\v',
  '\f',
  '\r',
  '\r\n',
  '\x1b',
  '\x7f',
  '\x85',
  '\x9b',
  '\u200b',
  '\u200c',
  '\u200d',
  '\ufeff',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u061c',
  '\u2028',
  '\u2029',
  '\u{e0041}',
  '\ud800',
  '\udfff',
);
const constructs = fc.constantFrom(
  '\x1b]8;;http://x\x07',
  '\x1b]8;;\x07',
  '\x1b[2J',
  '\x1b]0;retitled\x07',
  '\x1b[31m',
  '*bold*',
  '_italic_',
  '~strike~',
  '`code`',
  '```',
  '> quote',
  '<!channel>',
  '<!here>',
  '@channel',
  '@here',
  '<http://x|y>',
  '<@U0123>',
  '&',
  '&amp;',
  '&lt;',
  'https://evil.example/x',
  'http://x',
  'evil.example/x',
  'www.evil.example',
  'ops@evil.example',
  'ｅｖｉｌ．ｅｘａｍｐｌｅ',
  'evil。example',
  'https：／／evil',
  'javascript:alert(1)',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'",
  '=HYPERLINK("http://x","y")',
  '+1',
  '-1',
  '@SUM(A1)',
  '[2] RESOLVED - CRITICAL - fine',
  '1. step',
  'CLI: rm',
  '😀',
  '👨‍👩‍👧',
  'e\u0301',
  '日本語',
);
/**
 * Backslashes and `…` are left out of the random parts: a literal `\x1` right before an ellipsis
 * in the input would look like an escape cut in half.
 */
const printable = (unit: 'binary' | 'grapheme') =>
  fc.string({ unit, maxLength: 6 }).map((s) => s.replace(/[\\…]/g, '/'));
const piece = fc.oneof(controls, constructs, printable('binary'), printable('grapheme'));
const shortText = fc.array(piece, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));
const longText = fc
  .tuple(shortText, fc.integer({ min: 20, max: 300 }))
  .map(([text, n]) => text.repeat(n).slice(0, 6_000));
const hostile = fc.oneof({ weight: 5, arbitrary: shortText }, { weight: 1, arbitrary: longText });

/** What a hostile finding's attacker-controlled fields hold. */
interface Hostile {
  name: string;
  message: string;
  resourceId: string;
  title: string;
  evidenceKey: string;
  evidenceValue: string;
  tag: string;
  computerName: string;
  remediation: string;
}
const hostileFields: fc.Arbitrary<Hostile> = fc.record({
  name: hostile,
  message: hostile,
  resourceId: hostile,
  title: hostile,
  evidenceKey: hostile,
  evidenceValue: hostile,
  tag: hostile,
  computerName: hostile,
  remediation: hostile,
});
const benignFields: Hostile = {
  name: 'x',
  message: 'x',
  resourceId: 'x',
  title: 'x',
  evidenceKey: 'x',
  evidenceValue: 'x',
  tag: 'x',
  computerName: 'x',
  remediation: 'x',
};

function findingOf(h: Hostile, i: number): Finding {
  return makeFinding({
    ruleId: 'managed-instance-os-eol',
    title: h.title,
    severity: i % 2 ? 'high' : 'critical',
    accountId: PROD,
    region: 'eu-west-1',
    resourceType: 'Other',
    resourceId: h.resourceId,
    resourceArn: `arn:aws:ssm:eu-west-1:${PROD}:managed-instance/${h.resourceId}`,
    message: `On-premises host ${h.resourceId} (${h.computerName}) runs ${h.message}.`,
    evidence: {
      [`k-${h.evidenceKey}`]: h.evidenceValue,
      computerName: h.computerName,
      tags: { Name: h.tag },
    },
    remediation: `${h.remediation} CLI: aws ssm deregister-managed-instance --instance-id ${h.resourceId}`,
  });
}

function reportOf(fields: Hostile[]): ScanReport {
  const findings = fields.map(findingOf);
  const first = fields[0] ?? benignFields;
  const errors: CollectionError[] = fields.map((h) => ({
    accountId: PROD,
    region: 'us-east-1',
    source: 'ssm.managedInstances',
    operation: 'ssm:DescribeInstanceInformation',
    code: h.tag,
    message: h.message,
    resourceId: h.resourceId,
  }));
  return makeReport({
    findings,
    errors,
    skippedRules: [
      {
        accountId: PROD,
        region: 'us-east-1',
        ruleId: 'managed-instance-os-eol',
        reason: 'rule-error',
        sources: [],
        message: first.message,
      },
    ],
    lifecycle: reportLifecycle().map((e, i) =>
      i === 0 ? { ...e, name: first.computerName, product: first.title, resourceId: first.resourceId } : e,
    ),
    inventory: reportInventory().map((r, i) => (i === 0 ? { ...r, name: first.name, detail: first.tag } : r)),
  });
}

const kinds: ChangeKind[] = ['new', 'escalated', 'evidence-changed', 'resolved'];

function changesOf(fields: Hostile[]): FindingChange[] {
  return fields.map((h, i) => ({
    kind: kinds[i % kinds.length] as ChangeKind,
    runId: 'run-1',
    at: '2026-09-15T06:04:12.000Z',
    previousSeverity: 'medium',
    finding: findingOf(h, i),
  }));
}

function baselineOf(fields: Hostile[]): BaselineSummary {
  return {
    accountId: PROD,
    region: 'eu-west-1',
    runId: 'run-1',
    at: '2026-09-15T06:04:12.000Z',
    open: { critical: fields.length },
    suppressed: 0,
    top: fields.map(findingOf),
  };
}

function rendered(changes: FindingChange[], baselines: BaselineSummary[] = []) {
  return groupChangeSet({ runId: 'run-1', changes, baselines }).map((group) =>
    renderGroup(group, { table: 'findings' }),
  );
}

/** One to three findings, so every Chatbot entry and next step fits without being cut. */
const fieldsArb = fc.array(hostileFields, { minLength: 1, maxLength: 3 });

// ---------------------------------------------------------------- what may not come out

/** The first character no sink may pass through raw, among those `allowed` aside. */
function rawDangerous(text: string, allowed = ''): string | undefined {
  for (const m of text.matchAll(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu)) {
    if (!allowed.includes(m[0])) return m[0];
  }
  return undefined;
}

/** A visible escape cut in half: `\x1…`, `\u20…`. */
const splitEscape = /\\(?:x[0-9a-f]?|u[0-9a-f]{0,3}|u\{[0-9a-f]*)…/;

/**
 * Something a chat client, mail client or linkifier could make a link of: `scheme://`, or a host
 * name (a dot between a label character and two letters). Full-width forms, the dots browsers
 * accept and the mrkdwn look-alikes are read as what they stand for first.
 */
function linkable(text: string): string | undefined {
  const read = text
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode((c.codePointAt(0) ?? 0) - 0xfee0))
    .replace(/[\u3002\uff61\u2024\ufe52]/g, '.')
    .replace(/[∗ˍ∼ˋ]/g, (c) => ({ '∗': '*', ˍ: '_', '∼': '~', ˋ: '`' })[c] ?? c);
  if (read.includes('://')) return '://';
  return /[\p{L}\p{N}_-]\.(?:[\p{L}\p{N}_-]+\.)*\p{L}{2}/u.exec(read)?.[0];
}

/** mrkdwn outside code spans: where formatting characters act. */
function outsideCode(mrkdwn: string): string {
  return mrkdwn.replace(/```[^`]*```/g, '').replace(/`[^`\n]*`/g, '');
}
const formatting = (mrkdwn: string) => outsideCode(mrkdwn).match(/[*_~]/g)?.length ?? 0;

/** Slack's rules for mrkdwn: no raw `<` or `>`, `&` only as an entity, code spans closed. */
function expectSafeMrkdwn(text: string, allowed: string): void {
  expect(rawDangerous(text, allowed)).toBeUndefined();
  expect(text).not.toMatch(/[<>]/);
  expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  expect(text.match(/`/g)?.length ?? 0).toSatisfy((n: number) => n % 2 === 0);
  expect(linkable(text)).toBeUndefined();
}

function chatbotTexts(c: ChatbotNotification): string[] {
  return [c.content.title, c.content.description, ...(c.content.nextSteps ?? [])];
}

function everyString(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(everyString);
  if (value && typeof value === 'object') return Object.values(value).flatMap(everyString);
  return [];
}

function mrkdwnTexts(payload: SlackPayload): string[] {
  return payload.blocks.flatMap((b) =>
    b.type === 'section' ? [b.text.text] : b.type === 'context' ? b.elements.map((e) => e.text) : [],
  );
}

const newlines = (text: string) => text.split('\n').length;

// ---------------------------------------------------------------- the sanitizer itself

describe('the sanitizer', () => {
  it('leaves no control, bidi, separator or zero-width character in one-line text', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        // Act
        const line = oneLine(text);

        // Assess
        expect(rawDangerous(line)).toBeUndefined();
      }),
    );
  });

  it('is idempotent, so sanitizing twice (or in two layers) changes nothing', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        // Act
        const once = [oneLine(text), defuseLinks(text), forSlack(text), visible(text, { lineBreaks: true })];

        // Assess
        expect(oneLine(once[0] ?? '')).toBe(once[0]);
        expect(defuseLinks(once[1] ?? '')).toBe(once[1]);
        expect(defuseLinks(visible(once[2] ?? ''))).toBe(once[2]);
        expect(visible(once[3] ?? '', { lineBreaks: true })).toBe(once[3]);
      }),
    );
  });

  it('cuts to at most max, without splitting an escape or a surrogate pair, and keeps what fits whole', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 1, max: 120 }), (text, max) => {
        // Prepare
        const line = oneLine(text);

        // Act
        const kept = cut(line, max);

        // Assess
        expect(kept.length).toBeLessThanOrEqual(max);
        if (line.length <= max) expect(kept).toBe(line);
        else expect(kept.endsWith('…')).toBe(true);
        expect(kept).not.toMatch(splitEscape);
        expect(rawDangerous(kept)).toBeUndefined();
      }),
    );
  });

  it('makes chat text inert: entities escaped, no formatting, no links', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        // Act
        const chat = forSlack(text);
        const code = inCodeSpan(text);

        // Assess
        expectSafeMrkdwn(chat, '');
        expect(chat).not.toMatch(/[*_~`]/);
        expectSafeMrkdwn(code, '');
        expect(code.slice(1, -1)).not.toContain('`');
      }),
    );
  });

  it('makes subjects printable ASCII under 100 characters, without links, the part label kept', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        // Act
        const subject = forSubject(`[estatescan] ${PROD}: ${text}`, ' (2/3)');

        // Assess
        expect(subject).toMatch(/^[\x20-\x7e]*$/);
        expect(subject.length).toBeLessThan(100);
        expect(subject.endsWith(' (2/3)')).toBe(true);
        expect(linkable(subject)).toBeUndefined();
      }),
    );
  });
});

// ---------------------------------------------------------------- every sink

describe('every sink', () => {
  it('terminal: the findings table shows every character, forges no line and splits no escape', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        // Act
        const text = renderFindingsTable(reportOf(fields));
        const benign = renderFindingsTable(reportOf(fields.map(() => benignFields)));

        // Assess
        expect(rawDangerous(text, '\n')).toBeUndefined();
        expect(newlines(text)).toBe(newlines(benign));
        expect(text).not.toMatch(splitEscape);
      }),
      { numRuns: 60 },
    );
  });

  it('terminal: any table (AWS errors in `inventory`) shows every character, one line a row', () => {
    fc.assert(
      fc.property(fieldsArb, hostile, (fields, header) => {
        // Prepare
        const errors = reportOf(fields).errors;

        // Act
        const text = renderErrors(errors);
        const table = renderTable(fields, [
          { header: 'name', value: (h) => h.name, max: 30 },
          { header: 'computer', value: (h) => h.computerName },
          { header: header.replace(/[^\w]/g, '') || 'h', value: (h) => h.tag, max: 8 },
        ]);

        // Assess
        for (const out of [text, table]) {
          expect(rawDangerous(out, '\n')).toBeUndefined();
          expect(newlines(out)).toBe(fields.length + 2);
          expect(out).not.toMatch(splitEscape);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('CSV: one row per finding, no formula, no control or bidi character outside line breaks and tabs', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        // Act
        const text = renderFindingsCsv(reportOf(fields));
        const generic = renderCsv(fields, [
          { header: 'name', value: (h) => h.name },
          { header: 'tag', value: (h) => `=${h.tag}` },
        ]);

        // Assess
        for (const [csv, columns] of [
          [text, 26],
          [generic, 2],
        ] as const) {
          const rows = parseCsv(csv);
          expect(rows).toHaveLength(fields.length + 1);
          for (const row of rows) {
            expect(row).toHaveLength(columns);
            for (const cell of row) {
              expect(cell).not.toMatch(/^[=+\-@\t\r]/);
              expect(rawDangerous(cell, '\n\t')).toBeUndefined();
            }
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('HTML: no markup from the data, and no control or bidi character the browser would apply', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        // Act
        const html = renderHtml(reportOf(fields));
        const benign = renderHtml(reportOf(fields.map(() => benignFields)));

        // Assess
        expect(rawDangerous(html, '\n\t')).toBeUndefined();
        expect(html.match(/<script/gi)).toHaveLength(1);
        expect(html.match(/</g)?.length).toBe(benign.match(/</g)?.length);
      }),
      { numRuns: 40 },
    );
  });

  it('email: plain lines, no forged change, no link; subject ASCII under 100 characters', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        // Act
        const messages = [...rendered(changesOf(fields)), ...rendered([], [baselineOf(fields)])];

        // Assess
        const [changes] = messages;
        expect(changes?.email.match(/^\[\d+\] /gm)).toHaveLength(fields.length);
        for (const { email, subject } of messages) {
          expect(rawDangerous(email, '\n')).toBeUndefined();
          expect(linkable(email)).toBeUndefined();
          expect(subject).toMatch(/^[\x20-\x7e]+$/);
          expect(subject.length).toBeLessThan(100);
          expect(linkable(subject)).toBeUndefined();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('Chatbot: mrkdwn with entities escaped, no link, and no formatting from the data outside code spans', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        // Act
        const messages = [...rendered(changesOf(fields)), ...rendered([], [baselineOf(fields)])];
        const benign = [
          ...rendered(changesOf(fields.map(() => benignFields))),
          ...rendered([], [baselineOf(fields.map(() => benignFields))]),
        ];

        // Assess
        messages.forEach(({ chatbot }, i) => {
          const texts = chatbotTexts(chatbot);
          for (const text of texts) expectSafeMrkdwn(text, '\n');
          const expected = benign[i] ? chatbotTexts(benign[i].chatbot).map(formatting) : [];
          expect(texts.map(formatting)).toEqual(expected);
          for (const value of everyString(chatbot)) expect(rawDangerous(value, '\n')).toBeUndefined();
          // Everything shown or quoted (`eventType`, a constant such as `estatescan.changes`, aside).
          for (const value of [...texts, ...everyString(chatbot.metadata?.relatedResources)]) {
            expect(linkable(value)).toBeUndefined();
          }
          expect(linkable(chatbot.metadata?.summary ?? '')).toBeUndefined();
        });
      }),
      { numRuns: 60 },
    );
  });

  it('Slack: blocks from a notification or from plain text are inert and verbatim', () => {
    fc.assert(
      fc.property(fieldsArb, hostile, hostile, (fields, text, subject) => {
        // Prepare
        const [message] = rendered(changesOf(fields));
        const [benign] = rendered(changesOf(fields.map(() => benignFields)));

        // Act
        const fromChatbot = toSlackBlocks(parseSnsMessage(JSON.stringify(message?.chatbot), 'x'));
        const benignBlocks = toSlackBlocks(parseSnsMessage(JSON.stringify(benign?.chatbot), 'x'));
        const fromText = toSlackBlocks(parseSnsMessage(text, subject));

        // Assess
        for (const payload of [fromChatbot, fromText]) {
          // Tabs stay inside preformatted blocks, where they do nothing.
          for (const t of mrkdwnTexts(payload)) expectSafeMrkdwn(t, payload === fromText ? '\n\t' : '\n');
          for (const block of payload.blocks) {
            if (block.type === 'section') expect(block.text.verbatim).toBe(true);
            if (block.type === 'header') {
              expect(rawDangerous(block.text.text)).toBeUndefined();
              expect(linkable(block.text.text)).toBeUndefined();
            }
          }
          expect(rawDangerous(payload.text)).toBeUndefined();
          expect(payload.text).not.toMatch(/[<>*_~`]/);
          expect(linkable(payload.text)).toBeUndefined();
        }
        const total = (p: SlackPayload) => mrkdwnTexts(p).reduce((n, t) => n + formatting(t), 0);
        expect(total(fromChatbot)).toBe(total(benignBlocks));
        for (const t of mrkdwnTexts(fromText)) {
          expect(t).toMatch(/^```\n[^`]*\n```$|^_…\d+ more sections left out/);
        }
      }),
      { numRuns: 60 },
    );
  });
});

/** A small RFC 4180 reader, as in the CSV report's tests. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}
