import type { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it, vi } from 'vitest';
import { NotificationError } from '../../../src/alerts/errors.ts';
import { toSlackBlocks } from '../../../src/alerts/slack.ts';
import {
  cachedWebhookUrl,
  forwardSnsEvent,
  postToSlack,
  type SnsEvent,
} from '../../../src/alerts/slack-webhook.ts';

const PARAMETER = '/estatescan/slack-webhook-url';
const OLD = 'https://hooks.slack.com/services/T0OLD0000/B0OLD0000/oldoldoldoldoldoldoldold';
const NEW = 'https://hooks.slack.com/services/T0NEW0000/B0NEW0000/newnewnewnewnewnewnewnew';
const FIVE_MINUTES = 5 * 60_000;
const WEBHOOK = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

/** An SSM client whose GetParameter answers the values in turn (the last one from then on). */
function fakeSsm(...values: string[]) {
  const send = vi.fn(async () => ({ Parameter: { Value: values.length > 1 ? values.shift() : values[0] } }));
  return { ssm: { send } as unknown as Pick<SSMClient, 'send'>, reads: () => send.mock.calls.length };
}

/** A clock the test moves by hand. */
function fakeClock(start = 1_800_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Slack as a fetch: the revoked URLs answer `answer`, any other URL `ok`. */
function slack(revoked: Record<string, Response | (() => Response)> = {}) {
  return vi.fn(async (url: string | URL | Request) => {
    const answer = revoked[String(url)];
    return typeof answer === 'function' ? answer() : (answer ?? new Response('ok', { status: 200 }));
  });
}

const event: SnsEvent = { Records: [{ Sns: { MessageId: 'm-1', Message: 'hello' } }] };

describe('cachedWebhookUrl', () => {
  it('reads the parameter once, then again once the URL is five minutes old', async () => {
    // Prepare
    const { ssm, reads } = fakeSsm(OLD, NEW);
    const clock = fakeClock();
    const url = cachedWebhookUrl(ssm, PARAMETER, { now: clock.now });

    // Act
    const first = await url.get();
    clock.advance(FIVE_MINUTES - 1);
    const beforeExpiry = await url.get();
    clock.advance(1);
    const afterExpiry = await url.get();
    const cachedAgain = await url.get();

    // Assess
    expect([first, beforeExpiry, afterExpiry, cachedAgain]).toEqual([OLD, OLD, NEW, NEW]);
    expect(reads()).toBe(2);
  });

  it('takes a shorter maximum age', async () => {
    // Prepare
    const { ssm, reads } = fakeSsm(OLD, NEW);
    const clock = fakeClock();
    const url = cachedWebhookUrl(ssm, PARAMETER, { now: clock.now, maxAgeMs: 1_000 });

    // Act
    await url.get();
    clock.advance(1_000);
    const value = await url.get();

    // Assess
    expect(value).toBe(NEW);
    expect(reads()).toBe(2);
  });

  it('reads again at once after forget()', async () => {
    // Prepare
    const { ssm, reads } = fakeSsm(OLD, NEW);
    const url = cachedWebhookUrl(ssm, PARAMETER, { now: fakeClock().now });

    // Act
    await url.get();
    url.forget();
    const value = await url.get();

    // Assess
    expect(value).toBe(NEW);
    expect(reads()).toBe(2);
  });
});

describe('forwardSnsEvent with a rotated webhook', () => {
  it.each([
    ['404 no_service', () => new Response('no_service', { status: 404 })],
    ['403 invalid_token', () => new Response('invalid_token', { status: 403 })],
    ['410 channel_is_archived', () => new Response('channel_is_archived', { status: 410 })],
    ['400 invalid_token', () => new Response('invalid_token', { status: 400 })],
  ])('drops the cached URL when Slack answers %s, so the retry reads the new one', async (_, revoked) => {
    // Prepare: the clock never moves, so only the revocation can make it read again.
    const { ssm, reads } = fakeSsm(OLD, NEW);
    const fetchImpl = slack({ [OLD]: revoked });
    const deps = {
      webhookUrl: cachedWebhookUrl(ssm, PARAMETER, { now: fakeClock().now }),
      fetchImpl: fetchImpl as unknown as typeof fetch,
    };

    // Act
    const failure = await forwardSnsEvent(event, deps).catch((e: unknown) => e);
    const retry = await forwardSnsEvent(event, deps);

    // Assess
    expect(failure).toBeInstanceOf(NotificationError);
    expect((failure as NotificationError).context).toMatchObject({ destination: 'slack', revoked: true });
    expect((failure as NotificationError).message).toContain('it is read again on the next attempt');
    expect(retry).toEqual({ posted: 1 });
    expect(fetchImpl.mock.calls.map(([url]) => url)).toEqual([OLD, NEW]);
    expect(reads()).toBe(2);
  });

  it.each([
    ['500', () => new Response('', { status: 500 })],
    ['400 invalid_blocks', () => new Response('invalid_blocks', { status: 400 })],
  ])('keeps the URL when Slack answers %s (the message, or Slack, is the problem)', async (_, refused) => {
    // Prepare
    const { ssm, reads } = fakeSsm(OLD, NEW);
    let answered = false;
    const fetchImpl = slack({
      [OLD]: () => {
        if (answered) return new Response('ok', { status: 200 });
        answered = true;
        return refused();
      },
    });
    const deps = {
      webhookUrl: cachedWebhookUrl(ssm, PARAMETER, { now: fakeClock().now }),
      fetchImpl: fetchImpl as unknown as typeof fetch,
    };

    // Act
    const failure = await forwardSnsEvent(event, deps).catch((e: unknown) => e);
    const retry = await forwardSnsEvent(event, deps);

    // Assess
    expect((failure as NotificationError).context.revoked).toBeUndefined();
    expect(retry).toEqual({ posted: 1 });
    expect(fetchImpl.mock.calls.map(([url]) => url)).toEqual([OLD, OLD]);
    expect(reads()).toBe(1);
  });
});

describe('postToSlack', () => {
  it('posts the payload as JSON', async () => {
    // Prepare
    const fetchImpl = vi.fn(async () => new Response('ok', { status: 200 }));
    const payload = toSlackBlocks({ subject: 'estatescan', text: 'x' });

    // Act
    await postToSlack(WEBHOOK, payload, fetchImpl as unknown as typeof fetch);

    // Assess
    expect(fetchImpl).toHaveBeenCalledWith(WEBHOOK, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
  });

  it('reports a refused message with the status and never the URL', async () => {
    // Prepare
    const fetchImpl = vi.fn(async () => new Response(`no_service ${WEBHOOK}`, { status: 404 }));

    // Act
    const error = await postToSlack(
      WEBHOOK,
      toSlackBlocks({ text: 'x' }),
      fetchImpl as unknown as typeof fetch,
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotificationError);
    const e = error as NotificationError;
    expect(e.message).toMatch(
      /^Slack refused the message: HTTP 404 \(no_service \[webhook URL\]\)\. The webhook was removed/,
    );
    expect(e.context).toEqual({ destination: 'slack', status: 404, revoked: true });
    expect(`${e.message} ${e.stack} ${JSON.stringify(e.context)}`).not.toContain('hooks.slack.com');
  });

  it('takes the URL out of a network error and its causes', async () => {
    // Prepare
    const fetchImpl = vi.fn(async () => {
      throw new TypeError(`Failed to parse URL from ${WEBHOOK}`, {
        cause: new Error(`connect ECONNREFUSED for /services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`),
      });
    });

    // Act
    const error = (await postToSlack(
      WEBHOOK,
      toSlackBlocks({ text: 'x' }),
      fetchImpl as unknown as typeof fetch,
    ).catch((e: unknown) => e)) as NotificationError;

    // Assess
    expect(error).toBeInstanceOf(NotificationError);
    expect(error.message).toContain(
      'Could not reach the Slack webhook: Failed to parse URL from [webhook URL]',
    );
    const cause = error.cause as Error;
    const everything = [error.message, error.stack, cause.message, cause.stack, String(cause.cause)].join(
      ' ',
    );
    expect(everything).not.toContain('XXXXXXXXXXXXXXXXXXXXXXXX');
    expect(everything).not.toContain('hooks.slack.com');
  });
});
