import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotificationError } from '../../../src/alerts/errors.ts';
import { groupChangeSet } from '../../../src/alerts/group.ts';
import { renderGroup } from '../../../src/alerts/render.ts';
import type { SnsEvent } from '../../../src/alerts/slack-webhook.ts';
import { makeFinding, PROD } from '../../fixtures/report.ts';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';

const PARAMETER = '/estatescan/slack-webhook-url';
const WEBHOOK = 'https://hooks.slack.com/services/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';

const ssmMock = mockClient(SSMClient);

/** An SNS event as Lambda delivers it to a `lambda` subscription: the Chatbot JSON as the message. */
function snsEvent(messageId: string): SnsEvent {
  const change = {
    kind: 'new' as const,
    runId: 'run-1',
    at: '2026-09-15T06:04:12.000Z',
    finding: makeFinding({
      ruleId: 's3-bucket-versioning-disabled',
      severity: 'medium',
      accountId: PROD,
      region: 'eu-west-1',
      resourceType: 'AwsS3Bucket',
      resourceId: 'logs',
      message: 'S3 bucket logs has never had versioning enabled.',
      evidence: {},
      remediation: '1. Enable versioning.',
    }),
  };
  const [group] = groupChangeSet({ runId: 'run-1', changes: [change], baselines: [] });
  const rendered = renderGroup(group!);
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: { MessageId: messageId, Subject: rendered.subject, Message: JSON.stringify(rendered.chatbot) },
      },
    ],
  };
}

/** The handler module as a fresh container loads it. */
async function coldStart() {
  vi.resetModules();
  const { handler } = await import('../../../functions/slack-forwarder.ts');
  return (event: SnsEvent) => handler(event, lambdaContext('estatescan-slack-forwarder'));
}

// The Powertools logger writes JSON lines to stdout.
let output: ReturnType<typeof captureOutput>;

describe('slack-forwarder handler', () => {
  beforeEach(() => {
    ssmMock.reset();
    vi.stubEnv('SLACK_WEBHOOK_PARAMETER', PARAMETER);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    output = captureOutput();
  });
  afterEach(() => {
    output.restore();
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('reads the decrypted parameter once across invocations and posts blocks, never logging the URL', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: WEBHOOK } });
    const fetchMock = vi.fn(async () => new Response('ok', { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const handler = await coldStart();

    // Act
    const first = await handler(snsEvent('m-1'));
    const second = await handler(snsEvent('m-2'));

    // Assess
    expect(first).toEqual({ posted: 1 });
    expect(second).toEqual({ posted: 1 });
    const reads = ssmMock.commandCalls(GetParameterCommand);
    expect(reads).toHaveLength(1);
    expect(reads[0]?.args[0].input).toEqual({ Name: PARAMETER, WithDecryption: true });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(WEBHOOK);
    const body = JSON.parse(String(init.body)) as { blocks: Array<{ type: string }>; text: string };
    expect(body.blocks[0]?.type).toBe('header');
    expect(body.text).toContain(`${PROD}: 1 new medium`);
    expect(output.text()).toContain('Posted to Slack');
    expect(output.text()).not.toContain('hooks.slack.com');
  });

  it('reads the parameter again once the URL is five minutes old, so a rotation needs no redeploy', async () => {
    // Prepare: a clock moved by hand (only Date: the SDK's timers stay real).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-25T12:00:00.000Z'));
    const ROTATED = WEBHOOK.replace('s3cr3tS3cr3t', 'r0tat3dR0tat');
    ssmMock
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: WEBHOOK } })
      .resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: ROTATED } });
    const fetchMock = vi.fn(async () => new Response('ok', { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const handler = await coldStart();

    // Act
    try {
      await handler(snsEvent('m-1'));
      vi.setSystemTime(new Date('2026-11-25T12:04:59.999Z'));
      await handler(snsEvent('m-2'));
      vi.setSystemTime(new Date('2026-11-25T12:05:00.000Z'));
      await handler(snsEvent('m-3'));
    } finally {
      vi.useRealTimers();
    }

    // Assess
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
    expect(fetchMock.mock.calls.map((call) => (call as unknown[])[0])).toEqual([WEBHOOK, WEBHOOK, ROTATED]);
  });

  it('throws and logs a failure without the URL', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: WEBHOOK } });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError(`fetch failed for ${WEBHOOK}`);
      }),
    );
    const handler = await coldStart();

    // Act
    const error = (await handler(snsEvent('m-1')).catch((e: unknown) => e)) as NotificationError;

    // Assess (a cold start loads its own copy of the error class: compare by name)
    expect(error.name).toBe('NotificationError');
    expect(error.message).toContain('Could not reach the Slack webhook');
    const everything = [
      error.message,
      error.stack,
      String(error.cause),
      (error.cause as Error).stack,
      output.text(),
    ];
    expect(everything.join('\n')).not.toContain('s3cr3t');
    expect(output.text()).toContain('"level":"ERROR"');
  });

  it('reads the parameter again on the next invocation after a failed read, without quoting a bad value', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: 's3cr3t-but-not-a-url' } })
      .resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: WEBHOOK } });
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('ok', { status: 200 })),
    );
    const handler = await coldStart();

    // Act
    const error = (await handler(snsEvent('m-1')).catch((e: unknown) => e)) as NotificationError;
    const retried = await handler(snsEvent('m-1'));

    // Assess
    expect(error.message).toBe(
      `SSM parameter ${PARAMETER} does not hold an https:// webhook URL. Store the Slack incoming webhook URL in it as a SecureString.`,
    );
    expect(error.context).toEqual({ destination: 'ssm', parameterName: PARAMETER });
    expect(retried).toEqual({ posted: 1 });
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('refuses to start without the parameter name', async () => {
    // Prepare
    vi.stubEnv('SLACK_WEBHOOK_PARAMETER', '');
    const handler = await coldStart();

    // Act
    const run = handler(snsEvent('m-1'));

    // Assess
    await expect(run).rejects.toThrow(/SLACK_WEBHOOK_PARAMETER is not set/);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(0);
  });
});
