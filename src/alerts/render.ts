/**
 * Rendering one group of changes (or of first-scan summaries) for every kind of subscriber:
 * - `subject`: the email subject, plain ASCII under 100 characters (SNS rejects anything else);
 * - `email`: readable plain text, also the `default` message (SQS, HTTP without a key of their own),
 *   links defused, with each remediation laid out to copy and paste;
 * - `chatbot`: an AWS Chatbot (Amazon Q Developer in chat applications) custom notification, which a
 *   Chatbot-connected Slack channel renders, and which the Slack forwarder turns into Block Kit;
 * - `attributes`: SNS message attributes for subscription filter policies.
 * Every value from a finding reaches them through `text/sanitize.ts` (see its header for the rules).
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import type { BaselineSummary, ChangeKind, FindingChange } from '../findings/changes.ts';
import { type Finding, type Severity, severities } from '../findings/types.ts';
import { plural } from '../text/plural.ts';
import { cut, defuseLinks, forEmail, forSlack, forSubject, inCodeSpan, oneLine } from '../text/sanitize.ts';
import { type AlertGroup, type BaselineGroup, type ChangeGroup, groupSeverity } from './group.ts';

/** The AWS Chatbot custom notification event (`version` 1.0, `source` custom). */
export interface ChatbotNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps?: string[];
    keywords?: string[];
  };
  metadata?: {
    threadId?: string;
    summary?: string;
    eventType?: string;
    relatedResources?: string[];
    additionalContext?: Record<string, string>;
  };
}

/**
 * Bounds we keep the Chatbot notification within. Chatbot relays it into one chat message; these
 * keep it readable there and far below the size where a chat platform truncates or rejects it.
 */
export const chatbotLimits = {
  title: 250,
  description: 8_000,
  nextSteps: 5,
  keywords: 10,
  relatedResources: 10,
} as const;

/** Bounds on one change's free text, so that a single change always fits in a message. */
const textLimits = { message: 1_000, evidenceValue: 500, evidenceFields: 20, remediation: 3_000 } as const;

/**
 * Bounds on each value in a Chatbot entry (after escaping), so that an entry stays under the
 * 1,500 characters `fitEntries` allows it and is never cut there: a change is at most ~1,150, a
 * first scan's region (headline and five findings) ~1,300.
 */
const chatLimits = {
  title: 200,
  resourceId: 300,
  resourceType: 60,
  region: 40,
  message: 300,
  change: 200,
  headline: 200,
  topTitle: 100,
  topResourceId: 100,
  cli: 500,
} as const;

export interface RenderOptions {
  /** The findings table, for the `estatescan findings` hint in the footer. */
  table?: string;
  /** Set when a group is split: part `index` of `total`; the part's first item is number `first` of `of`. */
  part?: { index: number; total: number; first: number; of: number };
}

export interface RenderedMessage {
  subject: string;
  email: string;
  chatbot: ChatbotNotification;
  attributes: Record<string, MessageAttributeValue>;
}

export function renderGroup(group: AlertGroup, options: RenderOptions = {}): RenderedMessage {
  return group.kind === 'changes' ? renderChanges(group, options) : renderBaselines(group, options);
}

/**
 * The `Message` of a Publish with `MessageStructure: json`: plain text for `default` and `email`;
 * the Chatbot JSON for `https` (a Chatbot subscription) and `lambda` (the Slack forwarder). Every
 * other protocol (SQS, email-json, http, SMS) gets `default`.
 */
export function snsMessageBody(rendered: RenderedMessage): string {
  const chatbot = JSON.stringify(rendered.chatbot);
  return JSON.stringify({ default: rendered.email, email: rendered.email, https: chatbot, lambda: chatbot });
}

/**
 * The size SNS counts against its 256 KB limit: the message, the subject, and each attribute's
 * name, type and value, in UTF-8 bytes.
 */
export function publishBytes(rendered: RenderedMessage): number {
  let bytes = utf8Bytes(snsMessageBody(rendered)) + utf8Bytes(rendered.subject);
  for (const [name, value] of Object.entries(rendered.attributes)) {
    bytes += utf8Bytes(name) + utf8Bytes(value.DataType ?? '') + utf8Bytes(value.StringValue ?? '');
  }
  return bytes;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Changes

const kindLabel: Record<ChangeKind, string> = {
  new: 'NEW',
  reopened: 'REOPENED',
  escalated: 'ESCALATED',
  deescalated: 'DE-ESCALATED',
  'evidence-changed': 'EVIDENCE CHANGED',
  resolved: 'RESOLVED',
  suppressed: 'SUPPRESSED',
  'suppression-expired': 'SUPPRESSION EXPIRED',
};
const kindWords: Record<ChangeKind, string> = {
  new: 'new',
  reopened: 'reopened',
  escalated: 'escalated',
  deescalated: 'de-escalated',
  'evidence-changed': 'changed',
  resolved: 'resolved',
  suppressed: 'suppressed',
  'suppression-expired': 'suppression expired',
};
const kindOrder = Object.keys(kindLabel) as ChangeKind[];
/** Kinds that ask someone to act; the subject names their severities. */
const worsening = new Set<ChangeKind>(['new', 'reopened', 'escalated']);
const actionable = new Set<ChangeKind>([
  'new',
  'reopened',
  'escalated',
  'evidence-changed',
  'suppression-expired',
]);

const severityEmoji: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':warning:',
  medium: ':large_orange_diamond:',
  low: ':small_blue_diamond:',
  info: ':information_source:',
};

function renderChanges(group: ChangeGroup, options: RenderOptions): RenderedMessage {
  const summary = changeSummary(group.changes);
  const partLabel = options.part ? ` (${options.part.index}/${options.part.total})` : '';
  const severity = groupSeverity(group);
  const only = group.changes.length === 1 ? group.changes[0] : undefined;
  const subjectText = only
    ? `${kindWords[only.kind]} ${only.finding.severity} ${only.finding.resourceId}: ${only.finding.title}`
    : summary;
  const subject = forSubject(`[estatescan] ${group.accountId}: ${subjectText}`, partLabel);

  return {
    subject,
    email: changesEmail(group, summary, options),
    chatbot: changesChatbot(group, summary, severity, options),
    attributes: attributesOf(
      group.accountId,
      severity,
      group.changes.map((c) => c.finding.ruleId),
      kindOrder.filter((k) => group.changes.some((c) => c.kind === k)),
      severities.flatMap((s) =>
        kindOrder
          .filter((k) => group.changes.some((c) => c.kind === k && c.finding.severity === s))
          .map((k) => `${s}:${k}`),
      ),
    ),
  };
}

/** `2 new critical, 1 escalated high, 3 resolved`: what got worse by severity, the rest by kind. */
export function changeSummary(changes: FindingChange[]): string {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const severity of severities) {
    for (const kind of kindOrder) {
      if (!worsening.has(kind)) continue;
      for (const c of changes)
        if (c.kind === kind && c.finding.severity === severity) add(`${kind} ${severity}`);
    }
  }
  for (const kind of kindOrder) {
    if (worsening.has(kind)) continue;
    for (const c of changes) if (c.kind === kind) add(kind);
  }
  return [...counts]
    .map(([key, n]) => {
      const [kind, severity] = key.split(' ') as [ChangeKind, string | undefined];
      return `${n} ${kindWords[kind]}${severity ? ` ${severity}` : ''}`;
    })
    .join(', ');
}

/**
 * The email text of each item of a group (a change, or a region's first scan), as `renderGroup`
 * lays them out: what splitting weighs to decide where a group is cut.
 */
export function emailItems(group: AlertGroup, first = 1): string[] {
  const items =
    group.kind === 'changes'
      ? group.changes.map((change, i) => [separator, ...changeBlock(change, first + i), ''].join('\n'))
      : group.baselines.map((b) => [separator, ...baselineBlock(b), ''].join('\n'));
  return items.map(forEmail);
}

function changesEmail(group: ChangeGroup, summary: string, options: RenderOptions): string {
  const n = group.changes.length;
  const first = options.part?.first ?? 1;
  const lines = [
    `estatescan: ${plural(options.part?.of ?? n, 'change')} in account ${group.accountId}` +
      ` (run ${group.runId}, ${formatTime(group.at)})`,
    summary,
  ];
  if (options.part) {
    lines.push(
      `Part ${options.part.index} of ${options.part.total}: changes ${first}-${first + n - 1} of ${options.part.of}.`,
    );
  }
  lines.push(
    '',
    ...emailItems(group, first),
    separator,
    ...emailFooter(group.accountId, group.runId, options),
  );
  return forEmail(lines.join('\n'));
}

/**
 * One change, every line plain text; remediation steps one per line, the CLI command alone. Each
 * value is made one line, so none can start a line of its own (a forged `[2] RESOLVED …`).
 */
export function changeBlock(change: FindingChange, number: number): string[] {
  const f = change.finding;
  const lines = [
    `[${number}] ${kindLabel[change.kind]} - ${f.severity.toUpperCase()} - ${oneLine(f.title)}`,
    field('Resource', `${f.resourceType} ${f.resourceId}`),
  ];
  if (f.resourceArn && f.resourceArn !== f.resourceId) lines.push(field('ARN', f.resourceArn));
  lines.push(
    field('Region', f.region),
    field('Rule', f.ruleId),
    field('What', cut(oneLine(f.message), textLimits.message)),
  );
  const why = changeExplanation(change);
  if (why) lines.push(field('Change', why));
  const evidence = evidenceLines(f.evidence);
  if (evidence.length) lines.push('    Evidence:', ...evidence.map((l) => `      ${l}`));
  if (change.kind !== 'resolved') {
    const remediation = remediationLines(f.remediation);
    if (remediation.length) lines.push('    Remediation:', ...remediation.map((l) => `      ${l}`));
  }
  lines.push(field('First seen', formatTime(f.firstSeen)), field('Finding id', f.findingId));
  return lines;
}

function changeExplanation(change: FindingChange): string | undefined {
  const f = change.finding;
  switch (change.kind) {
    case 'escalated':
    case 'deescalated':
      return `severity ${change.previousSeverity ?? 'unknown'} -> ${f.severity}`;
    case 'resolved':
      return `no longer found (scan of ${formatTime(change.at)}); nothing to do`;
    case 'reopened':
      return `was resolved${f.resolvedAt ? ` on ${formatTime(f.resolvedAt)}` : ''}, found again`;
    case 'evidence-changed':
      return 'same finding and severity, the facts below changed since the last scan';
    case 'suppressed':
      return f.suppression
        ? `suppressed until ${f.suppression.expiresAt} by ${f.suppression.owner}: ${f.suppression.reason}`
        : 'suppressed';
    case 'suppression-expired':
      return 'its suppression expired or was removed: open again';
    case 'new':
      return undefined;
  }
}

/** `key: value` lines of the evidence, nested values as compact JSON, long values cut. */
export function evidenceLines(evidence: Record<string, unknown>): string[] {
  const entries = Object.entries(evidence).filter(([, v]) => v !== undefined && v !== null && v !== '');
  const lines = entries
    .slice(0, textLimits.evidenceFields)
    .map(
      ([k, v]) =>
        `${cut(oneLine(k), textLimits.evidenceValue)}: ` +
        cut(oneLine(typeof v === 'string' ? v : JSON.stringify(v)), textLimits.evidenceValue),
    );
  if (entries.length > textLimits.evidenceFields) {
    lines.push(`(${entries.length - textLimits.evidenceFields} more fields: see estatescan findings)`);
  }
  return lines;
}

/**
 * `1. Open … 2. Edit … CLI: aws …` (the engine's remediation text) as one step a line and the
 * command on a line of its own, so it can be copied as is.
 */
export function remediationLines(remediation: string): string[] {
  const text = cut(oneLine(remediation.trim()), textLimits.remediation);
  if (!text) return [];
  const cliAt = text.search(/(^|\s)CLI:\s/);
  const steps = (cliAt >= 0 ? text.slice(0, cliAt) : text).trim();
  const cli =
    cliAt >= 0
      ? text
          .slice(cliAt)
          .replace(/^\s*CLI:\s*/, '')
          .trim()
      : '';
  const lines = steps ? steps.split(/\s+(?=\d+\.\s)/).map((s) => s.trim()) : [];
  if (cli) lines.push('CLI:', `  ${cli}`);
  return lines;
}

function changesChatbot(
  group: ChangeGroup,
  summary: string,
  severity: Severity,
  options: RenderOptions,
): ChatbotNotification {
  const partLabel = options.part ? ` (${options.part.index}/${options.part.total})` : '';
  const onlyBetter = group.changes.every((c) => !actionable.has(c.kind));
  const emoji = onlyBetter ? ':white_check_mark:' : severityEmoji[severity];
  const query = queryCommand(group.accountId, options);

  const header = `*Account* ${group.accountId} · *Run* ${forSlack(group.runId)} · ${formatTime(group.at)}`;
  const entries = group.changes.map((c) => {
    const f = c.finding;
    const change = changeExplanation(c);
    return (
      `*${kindLabel[c.kind]} · ${f.severity.toUpperCase()}* ${forSlack(f.title, chatLimits.title)}\n` +
      `${inCodeSpan(f.resourceId, chatLimits.resourceId)} (${forSlack(f.resourceType, chatLimits.resourceType)})` +
      ` in ${forSlack(f.region, chatLimits.region)}: ${forSlack(f.message, chatLimits.message)}` +
      (change && c.kind !== 'resolved' ? `\n_${forSlack(change, chatLimits.change)}_` : '')
    );
  });
  const description = fitEntries(header, entries, (left) => `_…and ${left} more: ${inCodeSpan(query)}_`);

  const fixes = group.changes
    .filter((c) => actionable.has(c.kind))
    .flatMap((c) => {
      const cli = cliCommand(c.finding.remediation);
      return cli
        ? [
            `Fix ${inCodeSpan(c.finding.resourceId, chatLimits.resourceId)}: ${inCodeSpan(cli, chatLimits.cli)}`,
          ]
        : [];
    })
    .slice(0, chatbotLimits.nextSteps - 1);

  return {
    version: '1.0',
    source: 'custom',
    id: `estatescan:${group.runId}:${group.accountId}${options.part ? `:${options.part.index}` : ''}`,
    content: {
      textType: 'client-markdown',
      title: cut(
        `${emoji} estatescan ${group.accountId}: ${forSlack(summary)}${partLabel}`,
        chatbotLimits.title,
      ),
      description,
      nextSteps: [...fixes, `See all open findings: ${inCodeSpan(query)}`],
      keywords: [
        severity,
        ...kindOrder.filter((k) => group.changes.some((c) => c.kind === k)),
        group.accountId,
      ].slice(0, chatbotLimits.keywords),
    },
    metadata: {
      threadId: `estatescan-${group.runId}-${group.accountId}`,
      summary: cut(oneLine(`${group.accountId}: ${summary}${partLabel}`), chatbotLimits.title),
      eventType: 'estatescan.changes',
      relatedResources: relatedResources(group.changes.map((c) => c.finding)),
      additionalContext: {
        accountId: group.accountId,
        runId: group.runId,
        at: group.at,
        severity,
        changes: String(group.changes.length),
        ...(options.part ? { part: `${options.part.index}/${options.part.total}` } : {}),
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Baselines (first scans)

function renderBaselines(group: BaselineGroup, options: RenderOptions): RenderedMessage {
  const partLabel = options.part ? ` (${options.part.index}/${options.part.total})` : '';
  const severity = groupSeverity(group);
  const open = group.baselines.reduce((n, b) => n + openCount(b), 0);
  const totals: Partial<Record<Severity, number>> = {};
  for (const b of group.baselines) {
    for (const s of severities) if (b.open[s]) totals[s] = (totals[s] ?? 0) + (b.open[s] ?? 0);
  }
  const where = group.baselines.length === 1 ? ` of ${group.baselines[0]?.region}` : '';
  const bySeverity = severityCounts(totals);
  // Summaries of rules new to targets scanned before, rather than of first scans.
  const newRulesOnly = group.baselines.every((b) => b.newRules);
  const what = newRulesOnly
    ? `new rules' first evaluation${where ? ` in${where.slice(3)}` : ''}`
    : `first scan${where}`;
  const summary = `${what}, ${plural(open, 'open finding')}${bySeverity ? ` (${bySeverity})` : ''}`;
  const subject = forSubject(`[estatescan] ${group.accountId}: ${summary}`, partLabel);
  const query = queryCommand(group.accountId, options);

  const emailLines = newRulesOnly
    ? [
        `estatescan: rules evaluated for the first time in account ${group.accountId} (run ${group.runId}, ${formatTime(group.at)})`,
        'Their findings are recorded as their baseline; from now on you hear only about changes.',
        '',
      ]
    : [
        `estatescan: first scan of account ${group.accountId} (run ${group.runId}, ${formatTime(group.at)})`,
        'Its findings are recorded as the baseline; from now on you hear only about changes.',
        '',
      ];
  emailLines.push(...emailItems(group), separator, ...emailFooter(group.accountId, group.runId, options));

  const entries = group.baselines.map((b) => {
    const top = b.top
      .slice(0, 5)
      .map(
        (f) =>
          `• *${f.severity.toUpperCase()}* ${forSlack(f.title, chatLimits.topTitle)}: ` +
          inCodeSpan(f.resourceId, chatLimits.topResourceId),
      );
    return [`*${forSlack(baselineHeadline(b), chatLimits.headline)}*`, ...top].join('\n');
  });
  const header = `*Account* ${group.accountId} · *Run* ${forSlack(group.runId)} · ${formatTime(group.at)}`;

  return {
    subject,
    email: forEmail(emailLines.join('\n')),
    chatbot: {
      version: '1.0',
      source: 'custom',
      id: `estatescan:${group.runId}:${group.accountId}:baseline${options.part ? `:${options.part.index}` : ''}`,
      content: {
        textType: 'client-markdown',
        title: cut(
          `:clipboard: estatescan ${group.accountId}: ${forSlack(summary)}${partLabel}`,
          chatbotLimits.title,
        ),
        description: fitEntries(
          header,
          entries,
          (left) => `_…and ${left} more regions: ${inCodeSpan(query)}_`,
        ),
        nextSteps: [`See all open findings: ${inCodeSpan(query)}`],
        keywords: [severity, 'baseline', group.accountId],
      },
      metadata: {
        threadId: `estatescan-${group.runId}-${group.accountId}`,
        summary: cut(oneLine(`${group.accountId}: ${summary}${partLabel}`), chatbotLimits.title),
        eventType: 'estatescan.baseline',
        relatedResources: relatedResources(group.baselines.flatMap((b) => b.top)),
        additionalContext: {
          accountId: group.accountId,
          runId: group.runId,
          at: group.at,
          severity,
          regions: oneLine(group.baselines.map((b) => b.region).join(',')),
          openFindings: String(open),
        },
      },
    },
    attributes: attributesOf(
      group.accountId,
      severity,
      group.baselines.flatMap((b) => b.ruleIds ?? b.top.map((f) => f.ruleId)),
      ['baseline'],
      severities.filter((s) => totals[s]).map((s) => `${s}:baseline`),
    ),
  };
}

/**
 * `First scan of 111111111111 eu-west-1: 12 open findings (2 critical, 10 high), 1 suppressed`, or
 * `First evaluation of rule-a, rule-b on 111111111111 eu-west-1: …` for rules new to the target.
 */
export function baselineHeadline(b: BaselineSummary): string {
  const bySeverity = severityCounts(b.open);
  const what = b.newRules ? `First evaluation of ${b.newRules.join(', ')} on` : 'First scan of';
  return (
    `${what} ${b.accountId} ${b.region}: ${plural(openCount(b), 'open finding')}` +
    (bySeverity ? ` (${bySeverity})` : '') +
    (b.suppressed ? `, ${b.suppressed} suppressed` : '')
  );
}

function baselineBlock(b: BaselineSummary): string[] {
  const top = b.top.slice(0, 5);
  const lines = [`${oneLine(baselineHeadline(b))}${top.length ? `, top ${top.length}:` : '.'}`];
  top.forEach((f: Finding, i) => {
    lines.push(
      `  ${i + 1}. ${f.severity.toUpperCase()} - ${oneLine(f.title)}`,
      `     ${oneLine(`${f.resourceType} ${f.resourceId} (${f.ruleId})`)}`,
      `     ${cut(oneLine(f.message), textLimits.message)}`,
    );
    const cli = cliCommand(f.remediation);
    if (cli) lines.push('     Fix:', `       ${cut(oneLine(cli), 500)}`);
  });
  return lines;
}

function openCount(b: BaselineSummary): number {
  return severities.reduce((n, s) => n + (b.open[s] ?? 0), 0);
}

function severityCounts(counts: Partial<Record<Severity, number>>): string {
  return severities
    .filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

const separator = '-'.repeat(72);

function emailFooter(accountId: string, runId: string, options: RenderOptions): string[] {
  return [
    'Query these findings (add --severity critical or --status open to narrow them):',
    `  ${queryCommand(accountId, options)}`,
    '',
    `Sent by estatescan for run ${runId}. You hear about a finding only when it changes: new, worse,`,
    'better, resolved, reopened, or suppressed.',
  ];
}

function queryCommand(accountId: string, options: RenderOptions): string {
  return `estatescan findings --table ${options.table ?? '<table>'} --account ${accountId}`;
}

/**
 * Bound on the `ruleId` attribute's value (a JSON array string). Attributes count toward the 256 KB
 * of a Publish and are repeated in every part of a split message; rule ids come from the registry (a
 * few dozen of ~35 bytes), so this is never reached in practice and only keeps a runaway list from
 * eating the room the text needs. Past it, the rule ids of the most severe findings are kept.
 */
export const RULE_IDS_MAX_BYTES = 4_096;

/**
 * `severityChange` pairs each change's severity with its kind (`critical:new`, `low:resolved`), so a
 * filter policy can ask for "critical and new" about one finding: `severity` (the worst of the
 * message) and `change` (every kind in it) would also match a message whose critical finding was
 * resolved while a low one was new. It has at most 5 × 8 values, so it needs no bound.
 */
function attributesOf(
  accountId: string,
  severity: Severity,
  ruleIds: string[],
  changes: string[],
  severityChanges: string[],
): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    severity: { DataType: 'String', StringValue: severity },
    accountId: { DataType: 'String', StringValue: accountId },
    change: { DataType: 'String.Array', StringValue: JSON.stringify(changes) },
  };
  // SNS rejects an attribute without a value; a baseline with no findings has neither of these.
  if (severityChanges.length) {
    attributes.severityChange = { DataType: 'String.Array', StringValue: JSON.stringify(severityChanges) };
  }
  // The ids come most severe finding first: those are the ones kept if the bound cuts the list.
  const rules: string[] = [];
  let bytes = 2;
  for (const id of unique(ruleIds)) {
    bytes += utf8Bytes(JSON.stringify(id)) + 1;
    if (bytes > RULE_IDS_MAX_BYTES) break;
    rules.push(id);
  }
  if (rules.length)
    attributes.ruleId = { DataType: 'String.Array', StringValue: JSON.stringify(rules.sort()) };
  return attributes;
}

/** The CLI command of an engine remediation text (`… CLI: aws …`), if it has one. */
export function cliCommand(remediation: string): string | undefined {
  const match = /(?:^|\s)CLI:\s*(.+)$/s.exec(remediation);
  return match?.[1]?.trim() || undefined;
}

/**
 * Joins entries (blank line between) after the header while they fit the Chatbot description
 * limit, then says how many were left out.
 */
function fitEntries(header: string, entries: string[], more: (left: number) => string): string {
  const limit = chatbotLimits.description;
  let text = header;
  for (let i = 0; i < entries.length; i++) {
    const entry = cut(entries[i] ?? '', 1_500, { codeSpans: true });
    const tail = i + 1 < entries.length ? `\n\n${more(entries.length - i - 1)}` : '';
    if (text.length + 2 + entry.length + tail.length > limit) return `${text}\n\n${more(entries.length - i)}`;
    text += `\n\n${entry}`;
  }
  return text;
}

function field(label: string, value: string): string {
  return `    ${`${label}:`.padEnd(12)}${oneLine(value)}`;
}

/** `2026-09-15 06:04 UTC` from an ISO time (as given when it is not one). */
export function formatTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const utc = new Date(time).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`;
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** The findings' ARNs (or ids) for Chatbot's metadata: one line each, links defused like the text. */
function relatedResources(findings: Finding[]): string[] {
  const resources = findings.map((f) => cut(defuseLinks(oneLine(f.resourceArn ?? f.resourceId)), 1_000));
  return unique(resources).slice(0, chatbotLimits.relatedResources);
}
