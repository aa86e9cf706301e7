/**
 * The AWS Chatbot (Amazon Q Developer in chat applications) custom notification of a view, which a
 * Chatbot-connected Slack channel renders and the Slack forwarder turns into Block Kit. Its client
 * markdown is Slack mrkdwn: values go through `forSlack`, and what is meant to be copied (resource
 * ids, CLI commands) through `inCodeSpan`.
 */

import type { Severity } from '../findings/types.ts';
import { plural } from '../text/plural.ts';
import { cut, defuseLinks, forSlack, inCodeSpan, oneLine } from '../text/sanitize.ts';
import type { AlertView, BaselineView, ChangesView, TargetHealthView } from './view.ts';

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
 * Bounds we keep the notification within. Chatbot relays it into one chat message; these keep it
 * readable there and far below the size where a chat platform truncates or rejects it.
 */
export const chatbotLimits = {
  title: 250,
  description: 8_000,
  nextSteps: 5,
  keywords: 10,
  relatedResources: 10,
} as const;

/**
 * Bounds on each value in an entry (after escaping), so that an entry stays under the
 * `entryLimit` that `fitEntries` allows it and is never cut there: a change is at most ~1,150, a
 * first scan's region (headline and five findings) ~1,300.
 */
const chatLimits = {
  title: 200,
  resourceId: 300,
  resourceType: 60,
  region: 40,
  where: 80,
  message: 300,
  change: 200,
  headline: 200,
  topTitle: 100,
  topResourceId: 100,
  cli: 500,
} as const;
const entryLimit = 1_500;

const severityEmoji: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':warning:',
  medium: ':large_orange_diamond:',
  low: ':small_blue_diamond:',
  info: ':information_source:',
};

/** What differs between the kinds of view; the rest of the notification is laid out the same. */
interface Body {
  emoji: string;
  /** One entry per item, separated by blank lines in the description. */
  entries: string[];
  /** The line that replaces the entries left out: `_…and 3 more: …_`. */
  more: (left: number) => string;
  nextSteps?: string[];
  /** More `additionalContext`, after what every notification has. */
  context?: Record<string, string>;
}

export function renderChatbot(view: AlertView): ChatbotNotification {
  const body =
    view.kind === 'changes'
      ? changesBody(view)
      : view.kind === 'baseline'
        ? baselineBody(view)
        : healthBody(view);
  const event = view.kind === 'target-health' ? view.change : view.kind;
  const header = `*Account* ${view.accountId} · *Run* ${forSlack(view.runId)} · ${view.time}`;
  const title = `${body.emoji} estatescan ${view.accountId}: ${forSlack(view.summary)}${view.partLabel}`;
  return {
    version: '1.0',
    source: 'custom',
    id:
      `estatescan:${view.runId}:${view.accountId}` +
      (view.kind === 'changes' ? '' : `:${event}`) +
      (view.part ? `:${view.part.index}` : ''),
    content: {
      textType: 'client-markdown',
      title: cut(title, chatbotLimits.title),
      description: fitEntries(header, body.entries, body.more),
      ...(body.nextSteps ? { nextSteps: body.nextSteps } : {}),
      keywords: [view.severity, ...view.kinds, view.accountId].slice(0, chatbotLimits.keywords),
    },
    metadata: {
      // One thread a run and account; one an account for its targets' health, so that a target
      // scanned again answers its failure.
      threadId:
        view.kind === 'target-health'
          ? `estatescan-target-health-${view.accountId}`
          : `estatescan-${view.runId}-${view.accountId}`,
      summary: cut(oneLine(`${view.accountId}: ${view.summary}${view.partLabel}`), chatbotLimits.title),
      eventType: `estatescan.${event}`,
      ...(view.kind === 'target-health' ? {} : { relatedResources: relatedResources(view.resources) }),
      additionalContext: {
        accountId: view.accountId,
        runId: view.runId,
        at: view.at,
        severity: view.severity,
        ...(view.kind === 'changes' ? {} : { regions: oneLine(view.regions.join(',')) }),
        ...body.context,
      },
    },
  };
}

function changesBody(view: ChangesView): Body {
  const query = inCodeSpan(view.query);
  const entries = view.items.map((item) => {
    const f = item.finding;
    return (
      `*${item.label} · ${item.severity}* ${forSlack(f.title, chatLimits.title)}\n` +
      `${inCodeSpan(f.resourceId, chatLimits.resourceId)} (${forSlack(f.resourceType, chatLimits.resourceType)})` +
      ` in ${forSlack(f.region, chatLimits.region)}: ${forSlack(f.message, chatLimits.message)}` +
      // The title already says it was resolved.
      (item.explanation && item.kind !== 'resolved'
        ? `\n_${forSlack(item.explanation, chatLimits.change)}_`
        : '')
    );
  });
  const fixes = view.items
    .flatMap((item) =>
      item.fix
        ? [
            `Fix ${inCodeSpan(item.finding.resourceId, chatLimits.resourceId)}: ${inCodeSpan(item.fix, chatLimits.cli)}`,
          ]
        : [],
    )
    .slice(0, chatbotLimits.nextSteps - 1);
  return {
    emoji: view.actionable ? severityEmoji[view.severity] : ':white_check_mark:',
    entries,
    more: (left) => `_…and ${left} more: ${query}_`,
    nextSteps: [...fixes, `See all open findings: ${query}`],
    context: {
      changes: String(view.items.length),
      ...(view.part ? { part: `${view.part.index}/${view.part.total}` } : {}),
    },
  };
}

function baselineBody(view: BaselineView): Body {
  const query = inCodeSpan(view.query);
  const entries = view.items.map((item) => {
    const top = item.top.map(
      ({ severity, finding: f }) =>
        `• *${severity}* ${forSlack(f.title, chatLimits.topTitle)}: ` +
        inCodeSpan(f.resourceId, chatLimits.topResourceId),
    );
    return [`*${forSlack(item.headline, chatLimits.headline)}*`, ...top].join('\n');
  });
  return {
    emoji: ':clipboard:',
    entries,
    more: (left) => `_…and ${left} more regions: ${query}_`,
    nextSteps: [`See all open findings: ${query}`],
    context: { openFindings: String(view.open) },
  };
}

function healthBody(view: TargetHealthView): Body {
  const entries = view.items.map((item) => {
    const headline = `*${forSlack(item.where, chatLimits.where)}* · since ${item.since}`;
    const detail = view.failing
      ? `${inCodeSpan(item.call, chatLimits.cli)}: ${forSlack(item.message, chatLimits.message)}`
      : `scanned again after ${plural(item.failedRuns, 'failed run')}`;
    return `${headline}\n${detail}`;
  });
  return {
    emoji: view.failing ? ':no_entry:' : ':white_check_mark:',
    entries,
    more: (left) => `_…and ${left} more regions_`,
    ...(view.failing
      ? { nextSteps: view.nextSteps.map((s) => forSlack(s)).slice(0, chatbotLimits.nextSteps) }
      : {}),
  };
}

/**
 * Joins entries (blank line between) after the header while they fit the description limit, then
 * says how many were left out.
 */
function fitEntries(header: string, entries: string[], more: (left: number) => string): string {
  const limit = chatbotLimits.description;
  let text = header;
  for (let i = 0; i < entries.length; i++) {
    const entry = cut(entries[i] ?? '', entryLimit, { codeSpans: true });
    const tail = i + 1 < entries.length ? `\n\n${more(entries.length - i - 1)}` : '';
    if (text.length + 2 + entry.length + tail.length > limit) return `${text}\n\n${more(entries.length - i)}`;
    text += `\n\n${entry}`;
  }
  return text;
}

/** The findings' ARNs (or ids) for the metadata: one line each, links defused like the text. */
function relatedResources(resources: string[]): string[] {
  const lines = resources.map((r) => cut(defuseLinks(oneLine(r)), 1_000));
  return [...new Set(lines)].slice(0, chatbotLimits.relatedResources);
}
