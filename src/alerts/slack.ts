/**
 * The Slack forwarder's core, for teams without AWS Chatbot: an SNS message (the Chatbot custom
 * notification the notifier puts under `lambda`, or plain text) becomes a Block Kit message posted
 * to an incoming webhook. The webhook URL is a secret (anyone holding it can post to the channel):
 * it comes from an SSM SecureString and never appears in a log line or an error message.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { errorCode, errorMessage } from '../aws/errors.ts';
import {
  type CachedParameter,
  cacheForAtMost,
  DEFAULT_PARAMETER_MAX_AGE_MS,
} from '../aws/parameter-cache.ts';
import { cut, cutIndex, defuseLinks, forSlack, inCodeBlock, inertMrkdwn, oneLine } from '../text/sanitize.ts';
import { NotificationError } from './errors.ts';
import type { ChatbotNotification } from './render.ts';

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
    const title = plainText(input.content.title ?? '') || 'estatescan';
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
        input.metadata?.summary ? plainText(input.metadata.summary) : title,
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

/** Markdown and Slack escapes out, for plain_text fields. */
function plainText(markdown: string): string {
  return (
    markdown
      .replace(/[*`~]/g, '')
      // `_italic_` markers only: underscores inside words and `:emoji_codes:` stay.
      .replace(/(^|\s)_+|_+(?=\s|$)/g, '$1')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/**
 * Posts a payload to an incoming webhook. Failures throw a `NotificationError` whose message and
 * cause have the URL taken out (fetch errors quote it: "Failed to parse URL from https://…").
 */
export async function postToSlack(
  webhookUrl: string,
  payload: SlackPayload,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  let response: Response;
  try {
    response = await fetchImpl(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  } catch (error) {
    const safe = redactedError(error, webhookUrl);
    throw new NotificationError(
      `Could not reach the Slack webhook: ${safe.message}. Check the function's network access (a VPC ` +
        'needs a NAT gateway) and that the SSM parameter holds a Slack incoming webhook URL.',
      { destination: 'slack' },
      { cause: safe },
    );
  }
  if (!response.ok) {
    const body = redact((await response.text().catch(() => '')).trim().slice(0, 200), webhookUrl);
    const revoked = isRevoked(response.status, body);
    const hint = revoked
      ? 'The webhook was removed or revoked: create a new one and store its URL in the SSM parameter ' +
        '(it is read again on the next attempt).'
      : response.status === 400
        ? 'Slack rejected the message format.'
        : 'Slack may be unavailable; the message will be retried.';
    throw new NotificationError(
      `Slack refused the message: HTTP ${response.status}${body ? ` (${body})` : ''}. ${hint}`,
      { destination: 'slack', status: response.status, ...(revoked ? { revoked } : {}) },
    );
  }
}

/**
 * Whether Slack says the webhook itself is gone (removed, revoked, its channel archived or its
 * workspace disabled), as opposed to this one message being refused or Slack being down.
 */
function isRevoked(status: number, body: string): boolean {
  return (
    status === 403 ||
    status === 404 ||
    status === 410 ||
    /no_service|invalid_token|channel_is_archived|team_disabled/.test(body)
  );
}

/** The message with every form of the secret URL taken out. */
function redact(text: string, url: string): string {
  let out = text;
  const forms = [url, encodeURIComponent(url)];
  try {
    const parsed = new URL(url);
    if (parsed.pathname.length > 1) forms.push(parsed.pathname);
  } catch {
    // Not a URL: the string itself is all there is to take out.
  }
  for (const form of forms) if (form) out = out.split(form).join('[webhook URL]');
  return out;
}

/** A copy of an error (and its causes, folded into the message) without the URL anywhere in it. */
function redactedError(error: unknown, url: string): Error {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    messages.push(errorMessage(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  const safe = new Error(redact(messages.join(': '), url));
  safe.name = error instanceof Error ? error.name : 'Error';
  safe.stack = `${safe.name}: ${safe.message}`;
  return safe;
}

/**
 * The webhook URL, read from an SSM SecureString on first use and again once it is older than
 * `maxAgeMs` (default five minutes), so that a rotated webhook takes effect within minutes. A failed
 * read is not kept, and the forwarder drops the URL as soon as Slack says it was revoked.
 */
export function cachedWebhookUrl(
  ssm: Pick<SSMClient, 'send'>,
  parameterName: string,
  options: { maxAgeMs?: number; now?: () => number } = {},
): CachedParameter<string> {
  return cacheForAtMost(() => readWebhookUrl(ssm, parameterName), {
    maxAgeMs: options.maxAgeMs ?? DEFAULT_PARAMETER_MAX_AGE_MS,
    ...(options.now ? { now: options.now } : {}),
  });
}

async function readWebhookUrl(ssm: Pick<SSMClient, 'send'>, parameterName: string): Promise<string> {
  let value: string | undefined;
  try {
    const output = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    value = output.Parameter?.Value;
  } catch (error) {
    throw new NotificationError(
      `Could not read the Slack webhook URL from SSM parameter ${parameterName} (${errorCode(error)}). ` +
        'Check that it exists as a SecureString and that the function may ssm:GetParameter it and ' +
        'kms:Decrypt with its key.',
      { destination: 'ssm', parameterName },
      { cause: error },
    );
  }
  if (!value?.startsWith('https://')) {
    // Never quote the value: it may be the secret, stored the wrong way.
    throw new NotificationError(
      `SSM parameter ${parameterName} does not hold an https:// webhook URL. Store the Slack incoming ` +
        'webhook URL in it as a SecureString.',
      { destination: 'ssm', parameterName },
    );
  }
  return value;
}

/** The part of a Lambda SNS event the forwarder reads. */
export interface SnsEvent {
  Records: Array<{
    EventSource?: string;
    Sns: {
      MessageId?: string;
      Subject?: string | null;
      Message: string;
      MessageAttributes?: Record<string, { Type: string; Value: string }>;
    };
  }>;
}

export interface ForwarderDependencies {
  /** The webhook URL (see `cachedWebhookUrl`); forgotten when Slack says it was revoked. */
  webhookUrl: CachedParameter<string>;
  fetchImpl?: typeof fetch;
  /** Structured log lines; never given the URL. */
  log?: (entry: Record<string, unknown>) => void;
}

/** Posts every record of the event; throws (so Lambda retries) on the first failure. */
export async function forwardSnsEvent(
  event: SnsEvent,
  deps: ForwarderDependencies,
): Promise<{ posted: number }> {
  const log = deps.log ?? (() => {});
  let posted = 0;
  for (const record of event.Records ?? []) {
    const payload = toSlackBlocks(parseSnsMessage(record.Sns.Message, record.Sns.Subject ?? undefined));
    try {
      await postToSlack(await deps.webhookUrl.get(), payload, deps.fetchImpl);
    } catch (error) {
      // A rotated webhook: the old URL is revoked before its container's cache expires. The retry
      // (Lambda's, or the next message) reads the parameter again.
      if (error instanceof NotificationError && error.context.revoked) deps.webhookUrl.forget();
      log({
        level: 'error',
        message: error instanceof Error ? error.message : 'Slack forwarding failed',
        snsMessageId: record.Sns.MessageId,
        ...(error instanceof NotificationError ? { context: error.context } : {}),
      });
      throw error;
    }
    posted++;
    log({
      level: 'info',
      message: 'Posted to Slack',
      snsMessageId: record.Sns.MessageId,
      blocks: payload.blocks.length,
    });
  }
  return { posted };
}
