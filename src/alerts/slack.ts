/**
 * The Slack forwarder's core, for teams without AWS Chatbot: an SNS message (the Chatbot custom
 * notification the notifier puts under `lambda`, or plain text) becomes a Block Kit message posted
 * to an incoming webhook. The webhook URL is a secret (anyone holding it can post to the channel):
 * it comes from an SSM SecureString and never appears in a log line or an error message.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { errorCode, errorMessage } from '../aws/errors.ts';
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

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: true } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
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
 */
export function toSlackBlocks(input: ChatbotNotification | PlainTextMessage): SlackPayload {
  if (isChatbot(input)) {
    const title = plainText(input.content.title ?? '') || 'estatescan';
    const sections = chunk(input.content.description, slackLimits.sectionText);
    const steps = (input.content.nextSteps ?? []).map((s) => `• ${s}`);
    const tail: SlackBlock[] = [];
    if (steps.length) {
      tail.push(
        { type: 'divider' },
        section(truncate(`*Next steps*\n${steps.join('\n')}`, slackLimits.sectionText)),
      );
    }
    const context = contextLine(input);
    if (context) tail.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
    return {
      text: truncate(
        input.metadata?.summary ? plainText(input.metadata.summary) : title,
        slackLimits.fallbackText,
      ),
      blocks: [header(title), ...capSections(sections, slackLimits.blocks - 1 - tail.length), ...tail],
    };
  }
  const title = input.subject?.trim() || 'estatescan';
  const fence = '```';
  const sections = chunk(escapeSlack(input.text), slackLimits.sectionText - 2 * fence.length - 2).map(
    (text) => `${fence}\n${text}\n${fence}`,
  );
  return {
    text: truncate(escapeSlack(title), slackLimits.fallbackText),
    blocks: [header(title), ...capSections(sections, slackLimits.blocks - 1)],
  };
}

function header(title: string): SlackBlock {
  return {
    type: 'header',
    text: { type: 'plain_text', text: truncate(title, slackLimits.headerText), emoji: true },
  };
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
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
  return parts.length > 1 ? truncate(escapeSlack(parts.join(' · ')), 300) : undefined;
}

/**
 * Pieces of at most `max` characters: whole paragraphs (blank-line separated) where they fit, then
 * whole lines, then hard cuts.
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
      if (line.length <= max) push(line, '\n');
      else for (let i = 0; i < line.length; i += max) push(line.slice(i, i + max), '\n');
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

function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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
    const hint =
      response.status === 404 || response.status === 403 || /no_service|invalid_token/.test(body)
        ? 'The webhook was removed or revoked: create a new one and store its URL in the SSM parameter.'
        : response.status === 400
          ? 'Slack rejected the message format.'
          : 'Slack may be unavailable; the message will be retried.';
    throw new NotificationError(
      `Slack refused the message: HTTP ${response.status}${body ? ` (${body})` : ''}. ${hint}`,
      { destination: 'slack', status: response.status },
    );
  }
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
 * The webhook URL, read from an SSM SecureString on first use and kept for the container's life (a
 * failed read is not kept: the next invocation tries again).
 */
export function cachedWebhookUrl(ssm: Pick<SSMClient, 'send'>, parameterName: string): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () => {
    cached ??= readWebhookUrl(ssm, parameterName).catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
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
  webhookUrl: () => Promise<string>;
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
      await postToSlack(await deps.webhookUrl(), payload, deps.fetchImpl);
    } catch (error) {
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
