/**
 * The Slack forwarder under the real Powertools tracer and X-Ray SDK, as in Lambda: a fake X-Ray
 * daemon (a UDP socket) collects every segment the function sends, and a local HTTPS server
 * stands in for both SSM (GetParameter) and Slack. The webhook's path is its secret: no segment
 * may hold it. The control run turns HTTPS capture on (Powertools' default) to show that the
 * check sees the URL when it is there.
 *
 * Each run is a fresh node process (the handler imported as Lambda imports it): the tracer turns
 * itself on from the environment at import, and its instrumentation is process-wide.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PARAMETER = '/estatescan/slack-webhook-url';
const SECRET_PATH = '/services/T0SECRET0/B0SECRET0/s3cr3tS3cr3tS3cr3tS3cr3t';
const HANDLER_SUBSEGMENT = '"name":"## functions/slack-forwarder.handler"';
const projectRoot = new URL('../../../', import.meta.url).pathname;

let dir: string;
let daemon: Socket;
let server: Server;
let segments: string[] = [];
let slackPosts: string[] = [];

const webhookUrl = () => `https://localhost:${(server.address() as AddressInfo).port}${SECRET_PATH}`;

/** SSM answers the webhook URL; Slack answers `no_service` (a revoked webhook) to a message asking for it. */
function answer(path: string, target: string | undefined, body: string): { status: number; body: string } {
  if (target === 'AmazonSSM.GetParameter') {
    return {
      status: 200,
      body: JSON.stringify({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: webhookUrl() } }),
    };
  }
  slackPosts.push(path);
  return body.includes('answer no_service')
    ? { status: 404, body: 'no_service' }
    : { status: 200, body: 'ok' };
}

/** Runs the forwarder's handler on three SNS events in a fresh process; returns what it printed. */
async function runForwarder(options: { captureHttps: boolean }): Promise<string> {
  segments = [];
  slackPosts = [];
  // The control builds a second tracer with Powertools' defaults, which instruments fetch for the
  // whole process (it records under the handler's segment, as the forwarder's own tracer would).
  const control = options.captureHttps
    ? "const { Tracer } = await import('@aws-lambda-powertools/tracer'); new Tracer({ serviceName: 'control' });"
    : '';
  const script = `${control}
    const { handler } = await import(${JSON.stringify(join(projectRoot, 'functions/slack-forwarder.ts'))});
    const context = {
      functionName: 'estatescan-ci-slack-forwarder', awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:estatescan-ci-slack-forwarder',
      memoryLimitInMB: '256', getRemainingTimeInMillis: () => 30000,
    };
    for (const message of ['a new finding', 'answer no_service', 'another finding']) {
      const event = { Records: [{ EventSource: 'aws:sns', Sns: { MessageId: message, Message: message } }] };
      const result = await handler(event, context).then((r) => JSON.stringify(r), (e) => e.name + ': ' + e.message);
      process.stdout.write('RESULT ' + result + '\\n');
    }`;
  const port = (server.address() as AddressInfo).port;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? '',
      // What turns the tracer on: a Lambda execution environment with an active, sampled trace.
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: '/var/task',
      _HANDLER: 'functions/slack-forwarder.handler',
      _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(daemon.address() as AddressInfo).port}`,
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      POWERTOOLS_SERVICE_NAME: 'estatescan',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: `https://localhost:${port}`,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      SLACK_WEBHOOK_PARAMETER: PARAMETER,
      // The local server's self-signed certificate, trusted: production's https:// check stays as is.
      NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the forwarder's process failed (exit ${code}):\n${output}`);
  // The handler's own subsegment is sent last, once per invocation: wait for the three.
  const deadline = Date.now() + 5_000;
  while (segments.filter((s) => s.includes(HANDLER_SUBSEGMENT)).length < 3 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return output;
}

describe('slack-forwarder under the Powertools tracer (fake X-Ray daemon, local SSM and Slack)', () => {
  beforeAll(async () => {
    // Prepare: a self-signed certificate for localhost, the fake daemon and the HTTPS server.
    dir = mkdtempSync(join(tmpdir(), 'estatescan-xray-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    daemon = createSocket('udp4');
    daemon.on('message', (message) => segments.push(message.toString('utf8')));
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (request, response) => {
        let body = '';
        request.on('data', (chunk) => {
          body += chunk;
        });
        request.on('end', () => {
          const target = request.headers['x-amz-target'];
          const { status, body: text } = answer(
            request.url ?? '',
            typeof target === 'string' ? target : undefined,
            body,
          );
          response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(text);
        });
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }, 30_000);

  afterAll(async () => {
    daemon?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends segments for each invocation and the SSM read, none holding the webhook URL, nor do the logs', async () => {
    // Act
    const output = await runForwarder({ captureHttps: false });

    // Assess: the run really posted, failed on the revoked webhook, read the URL again, posted.
    expect(output.match(/^RESULT .*$/gm)).toEqual([
      'RESULT {"posted":1}',
      expect.stringMatching(/^RESULT NotificationError: Slack refused the message: HTTP 404 \(no_service\)/),
      'RESULT {"posted":1}',
    ]);
    expect(slackPosts).toEqual([SECRET_PATH, SECRET_PATH, SECRET_PATH]);
    // Segments came (so this check can fail): three invocations, two SSM reads, the error recorded.
    const all = segments.join('\n');
    expect(segments.filter((s) => s.includes(HANDLER_SUBSEGMENT))).toHaveLength(3);
    expect(segments.filter((s) => s.includes('"operation":"GetParameter"'))).toHaveLength(2);
    expect(all).toContain('Slack refused the message');
    // …and none holds the secret, in any form.
    for (const form of [SECRET_PATH, 'T0SECRET0', 's3cr3t', encodeURIComponent(SECRET_PATH)]) {
      expect(all).not.toContain(form);
      expect(output).not.toContain(form);
    }
  }, 60_000);

  it('(control) with HTTPS capture on, as Powertools has it by default, the URL is in the trace', async () => {
    // Act
    await runForwarder({ captureHttps: true });

    // Assess
    expect(segments.filter((s) => s.includes(HANDLER_SUBSEGMENT))).toHaveLength(3);
    expect(segments.join('\n')).toContain(SECRET_PATH);
  }, 60_000);
});
