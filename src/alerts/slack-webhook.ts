/**
 * The Slack forwarder's core: each record of an SNS event, as Block Kit (`slack.ts`), posted to an
 * incoming webhook. The webhook URL is a secret (anyone holding it can post to the channel): it
 * comes from an SSM SecureString and never appears in a log line or an error message.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { errorCode, errorMessage } from '../aws/errors.ts';
import {
  type CachedParameter,
  cacheForAtMost,
  DEFAULT_PARAMETER_MAX_AGE_MS,
} from '../aws/parameter-cache.ts';
import { NotificationError } from './errors.ts';
import { parseSnsMessage, type SlackPayload, toSlackBlocks } from './slack.ts';

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
