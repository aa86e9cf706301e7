/**
 * Splitting: SNS takes at most 256 KB a Publish (message, subject and attributes together). A group
 * whose message is bigger becomes several messages, `(1/3)` in their subjects, cut between changes
 * and never inside one, most severe changes in the first part.
 */
import { emailItems } from './email.ts';
import { publishBytes, type RenderedMessage, utf8Bytes } from './envelope.ts';
import { NotificationError } from './errors.ts';
import type { AlertGroup } from './group.ts';
import { renderGroup, renderView } from './render.ts';
import { type Part, viewOf } from './view.ts';

/** 256 KiB: SNS's limit for one Publish. */
export const SNS_MAX_PUBLISH_BYTES = 262_144;

/** One message to publish: the part of a group it covers, and its rendering. */
export interface PlannedMessage {
  /** The group, or for a split group the part's share of its changes (or first scans). */
  group: AlertGroup;
  part?: Part;
  rendered: RenderedMessage;
  /** What SNS counts against its limit. */
  bytes: number;
}

export interface SplitOptions {
  table?: string;
  maxBytes?: number;
}

/** Room kept for what the estimate does not weigh exactly: part labels, counts, escaping. */
const MARGIN_BYTES = 4_096;

export function splitGroup(group: AlertGroup, options: SplitOptions = {}): PlannedMessage[] {
  const maxBytes = options.maxBytes ?? SNS_MAX_PUBLISH_BYTES;
  const render = { ...(options.table ? { table: options.table } : {}) };
  const view = viewOf(group, render);
  const whole = renderView(view);
  const wholeBytes = publishBytes(whole);
  if (wholeBytes <= maxBytes) return [{ group, rendered: whole, bytes: wholeBytes }];

  // The plain text goes out twice (`default` and `email`), JSON-escaped: that is what grows with
  // each change. The rest (header, footer, the Chatbot notification, which has its own bounds, the
  // attributes) is about the same for every part.
  // (Each item is followed by a line break in the email.)
  const costs = emailItems(view).map((text) => 2 * (utf8Bytes(JSON.stringify(`${text}\n`)) - 2));
  const overhead = wholeBytes - costs.reduce((a, b) => a + b, 0);
  let budget = maxBytes - overhead - MARGIN_BYTES;

  for (let attempt = 0; attempt < 8 && budget > 0; attempt++) {
    const planned = renderParts(group, partition(costs, budget), render);
    if (planned.every((p) => p.bytes <= maxBytes)) return planned;
    budget -= Math.max(MARGIN_BYTES, Math.ceil(budget / 8));
  }
  throw new NotificationError(
    `The ${group.kind} message for account ${group.accountId} cannot be split under ${maxBytes} bytes ` +
      `(${wholeBytes} bytes in all). Lower the per-change text, or raise the limit if the topic allows it.`,
    { destination: 'sns', accountId: group.accountId, runId: group.runId },
  );
}

/** Consecutive ranges `[start, end)` of items whose costs fit the budget; each has at least one. */
function partition(costs: number[], budget: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = 0;
  while (start < costs.length) {
    let end = start;
    let used = 0;
    while (end < costs.length && (end === start || used + (costs[end] ?? 0) <= budget)) {
      used += costs[end] ?? 0;
      end++;
    }
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

function renderParts(
  group: AlertGroup,
  ranges: Array<[number, number]>,
  render: { table?: string },
): PlannedMessage[] {
  const of =
    group.kind === 'changes'
      ? group.changes.length
      : group.kind === 'baseline'
        ? group.baselines.length
        : group.targets.length;
  return ranges.map(([start, end], i) => {
    const part = { index: i + 1, total: ranges.length, first: start + 1, of };
    const subgroup: AlertGroup =
      group.kind === 'changes'
        ? { ...group, changes: group.changes.slice(start, end) }
        : group.kind === 'baseline'
          ? { ...group, baselines: group.baselines.slice(start, end) }
          : { ...group, targets: group.targets.slice(start, end) };
    const rendered = renderGroup(subgroup, { ...render, part });
    return { group: subgroup, part, rendered, bytes: publishBytes(rendered) };
  });
}
