/**
 * Block Kit for the Slack forwarder (teams without AWS Chatbot): an SNS message, the Chatbot custom
 * notification the notifier puts under `lambda` (`chatbot.ts`, rendered from the group's view) or
 * plain text from anyone else who may publish to the topic, becomes a Block Kit message.
 * Posting it is `slack-webhook.ts`.
 */
import {
  cut,
  cutIndex,
  defuseLinks,
  forSlack,
  inCodeBlock,
  inertMrkdwn,
  oneLine,
  plainFromMrkdwn,
} from '../text/sanitize.ts';
import type { ChatbotNotification } from './chatbot.ts';

/** Slack's Block Kit limits (a message is rejected with `invalid_blocks` past them). */
export const slackLimits = {
  blocks: 50,
  sectionText: 3_000,
  headerText: 150,
  contextElements: 10,
  /** The top-level `text`, shown in notifications; Slack truncates long ones. */
  fallbackText: 3_000,
} as const;

/**
 * `verbatim: true`: Slack does not pre-process the text (no auto-linked URLs, channel names or
 * mentions); formatting and explicit `<…>` sequences, which the text never holds unescaped, still
 * apply.
 */
export type MrkdwnText = { type: 'mrkdwn'; text: string; verbatim: true };

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: MrkdwnText }
  | { type: 'context'; elements: MrkdwnText[] }
  | { type: 'divider' };

export interface SlackPayload {
  /** Fallback for notifications and clients that cannot show blocks. */
  text: string;
  blocks: SlackBlock[];
}

/** An SNS message that is not a Chatbot notification. */
export interface PlainTextMessage {
  subject?: string;
  text: string;
}

/** The Chatbot notification when the message is one, otherwise the text as it came. */
export function parseSnsMessage(message: string, subject?: string): ChatbotNotification | PlainTextMessage {
  try {
    const parsed = JSON.parse(message) as Partial<ChatbotNotification> | null;
    if (
      parsed &&
      typeof parsed === 'object' &&
      parsed.version === '1.0' &&
      parsed.source === 'custom' &&
      typeof parsed.content?.description === 'string'
    ) {
      return parsed as ChatbotNotification;
    }
  } catch {
    // Not JSON: plain text.
  }
  return { ...(subject ? { subject } : {}), text: message };
}

function isChatbot(input: ChatbotNotification | PlainTextMessage): input is ChatbotNotification {
  return 'content' in input;
}

/**
 * Block Kit for a notification: a header, the description in sections of at most 3,000 characters
 * (cut between entries, which are separated by blank lines), the next steps, and a context line;
 * never more than 50 blocks. Plain text goes in preformatted sections.
 *
 * The notification's mrkdwn was escaped by the renderer; anyone else who may publish to the topic
 * could send raw mrkdwn, so it is made inert again (`inertMrkdwn`) and the text objects are
 * `verbatim`. Plain text is untrusted throughout.
 */
export function toSlackBlocks(input: ChatbotNotification | PlainTextMessage): SlackPayload {
  if (isChatbot(input)) {
    const title = plainFromMrkdwn(input.content.title ?? '') || 'estatescan';
    const sections = chunk(inertMrkdwn(input.content.description), slackLimits.sectionText);
    const steps = (input.content.nextSteps ?? []).map((s) => `• ${inertMrkdwn(oneLine(s))}`);
    const tail: SlackBlock[] = [];
    if (steps.length) {
      const text = `*Next steps*\n${steps.join('\n')}`;
      tail.push({ type: 'divider' }, section(cut(text, slackLimits.sectionText, { codeSpans: true })));
    }
    const context = contextLine(input);
    if (context) tail.push({ type: 'context', elements: [mrkdwn(context)] });
    return {
      text: forSlack(
        input.metadata?.summary ? plainFromMrkdwn(input.metadata.summary) : title,
        slackLimits.fallbackText,
      ),
      blocks: [header(title), ...capSections(sections, slackLimits.blocks - 1 - tail.length), ...tail],
    };
  }
  const title = input.subject?.trim() || 'estatescan';
  const fence = '```';
  const sections = chunk(inCodeBlock(input.text), slackLimits.sectionText - 2 * fence.length - 2).map(
    (text) => `${fence}\n${text}\n${fence}`,
  );
  return {
    text: forSlack(title, slackLimits.fallbackText),
    blocks: [header(title), ...capSections(sections, slackLimits.blocks - 1)],
  };
}

/** plain_text: nothing formats or links there, but controls would still act, and links be copied. */
function header(title: string): SlackBlock {
  const text = cut(defuseLinks(oneLine(title)), slackLimits.headerText);
  return { type: 'header', text: { type: 'plain_text', text, emoji: true } };
}

function mrkdwn(text: string): MrkdwnText {
  return { type: 'mrkdwn', text, verbatim: true };
}

function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** At most `room` section blocks; when there are more, the last says how many were left out. */
function capSections(texts: string[], room: number): SlackBlock[] {
  if (texts.length <= room) return texts.map(section);
  const kept = texts.slice(0, room - 1).map(section);
  const left = texts.length - (room - 1);
  return [...kept, section(`_…${left} more sections left out: see the email, or \`estatescan findings\`._`)];
}

function contextLine(n: ChatbotNotification): string | undefined {
  const c = n.metadata?.additionalContext ?? {};
  const parts = [
    'estatescan',
    c.accountId ? `account ${c.accountId}` : undefined,
    c.runId ? `run ${c.runId}` : undefined,
    c.part ? `part ${c.part}` : undefined,
  ].filter((p): p is string => Boolean(p));
  return parts.length > 1 ? forSlack(parts.join(' · '), 300) : undefined;
}

/**
 * Pieces of at most `max` characters: whole paragraphs (blank-line separated) where they fit, then
 * whole lines, then hard cuts, which split no grapheme, visible escape, entity or code span.
 */
export function chunk(text: string, max: number): string[] {
  const pieces: string[] = [];
  let current = '';
  const push = (piece: string, separator: string) => {
    if (!current) current = piece;
    else if (current.length + separator.length + piece.length <= max) current += separator + piece;
    else {
      pieces.push(current);
      current = piece;
    }
  };
  for (const paragraph of text.split(/\n{2,}/)) {
    if (paragraph.length <= max) {
      push(paragraph, '\n\n');
      continue;
    }
    for (const line of paragraph.split('\n')) {
      let rest = line;
      while (rest.length > max) {
        // A grapheme longer than a whole section (never in practice) is cut anyway, to get on.
        const at = cutIndex(rest, max, { codeSpans: true }) || max;
        push(rest.slice(0, at), '\n');
        rest = rest.slice(at);
      }
      push(rest, '\n');
    }
  }
  if (current) pieces.push(current);
  return pieces.length ? pieces : [' '];
}
