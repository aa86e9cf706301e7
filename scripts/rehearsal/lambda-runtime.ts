/**
 * The local Lambda runtime of the rehearsal: moto's Lambda (through scripts/rehearsal/
 * moto_launcher.py) sends every invocation here, with the function's unpacked code, handler,
 * environment and role. Each invocation runs in a fresh Node process (Lambda's Node 22 when it
 * could be installed) with what Lambda gives a function: its environment, the reserved variables,
 * and credentials of its own execution role (assumed through the recording proxy, so that every
 * call the function makes is attributed to that role). Its calls go to the emulator through
 * AWS_ENDPOINT_URL, the only variable Lambda would not set.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { LambdaNode } from './lambda-node.ts';
import type { RecordingProxy } from './recording-proxy.ts';

/** What moto_launcher.py sends for one invocation. */
export interface InvocationRequest {
  functionName: string;
  functionArn: string;
  handler: string;
  runtime: string;
  role: string;
  timeout: number;
  memorySize: number;
  region: string;
  environment: Record<string, string>;
  codeDirectory: string;
  event: unknown;
}

export interface Invocation {
  requestId: string;
  functionName: string;
  event: unknown;
  /** The JSON the function returned, or Lambda's error document when it failed. */
  payload: string;
  errored: boolean;
  logs: string;
  durationMs: number;
  /** The Node version the function ran on (`process.version`). */
  nodeVersion?: string;
}

export interface LambdaRuntime {
  url: string;
  /** Every invocation so far, in the order they finished. */
  invocations(): Invocation[];
  /** Tags each invocation's credentials get in the proxy (e.g. to inject a fault into some). */
  setCredentialTags(rule: ((request: InvocationRequest) => Record<string, string>) | undefined): void;
  /** Credentials of a role, assumed through the proxy as Lambda's service does it. */
  roleCredentials(roleArn: string, sessionName: string): Promise<Credentials>;
  stop(): Promise<void>;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * Loads the handler as Lambda's Node runtime does (`<file>.<export>` under the task root, `.mjs`
 * before `.js`), calls it with the event and a context, and writes the outcome to a file.
 */
const bootstrap = `
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const root = process.env.LAMBDA_TASK_ROOT;
const handlerSpec = process.env._HANDLER;
const dot = handlerSpec.lastIndexOf('.');
const file = ['.mjs', '.js', '.cjs'].map((e) => join(root, handlerSpec.slice(0, dot) + e)).find(existsSync);
const event = JSON.parse(readFileSync(process.env.ESTATESCAN_EVENT_FILE, 'utf8'));
const deadline = Date.now() + Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT) * 1000;
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: process.env.ESTATESCAN_FUNCTION_ARN,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: process.env.ESTATESCAN_REQUEST_ID,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {}, fail() {}, succeed() {},
};
function write(outcome) {
  writeFileSync(process.env.ESTATESCAN_RESULT_FILE, JSON.stringify({ ...outcome, node: process.version }));
  process.exit(0);
}
try {
  if (!file) throw Object.assign(new Error('Cannot find module ' + handlerSpec), { name: 'Runtime.ImportModuleError' });
  const handler = (await import(pathToFileURL(file).href))[handlerSpec.slice(dot + 1)];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(handlerSpec + ' is undefined or not exported'), { name: 'Runtime.HandlerNotFound' });
  }
  const result = await handler(event, context);
  write({ errored: false, payload: JSON.stringify(result === undefined ? null : result) });
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  write({
    errored: true,
    payload: JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: String(e.stack ?? '').split('\\n') }),
  });
}
`;

function readJson<T>(req: IncomingMessage): Promise<T> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as T);
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

export async function startLambdaRuntime(options: {
  node: LambdaNode;
  /** The recording proxy: the functions' endpoint, and where their credentials are attributed. */
  proxy: RecordingProxy;
  /** Credentials allowed to assume the functions' roles (the deployer's). */
  deployerCredentials: { accessKeyId: string; secretAccessKey: string };
}): Promise<LambdaRuntime> {
  const workDir = mkdtempSync(join(tmpdir(), 'estatescan-lambda-'));
  const bootstrapFile = join(workDir, 'bootstrap.mjs');
  writeFileSync(bootstrapFile, bootstrap);
  const finished: Invocation[] = [];
  const sockets = new Set<Socket>();
  let credentialTags: ((request: InvocationRequest) => Record<string, string>) | undefined;

  async function roleCredentials(roleArn: string, sessionName: string): Promise<Credentials> {
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint: options.proxy.endpoint,
      credentials: options.deployerCredentials,
    });
    try {
      const { Credentials: c } = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName.slice(0, 64) }),
      );
      return {
        accessKeyId: c!.AccessKeyId!,
        secretAccessKey: c!.SecretAccessKey!,
        sessionToken: c!.SessionToken!,
      };
    } finally {
      sts.destroy();
    }
  }

  async function invoke(request: InvocationRequest): Promise<Invocation> {
    const requestId = randomUUID();
    const started = Date.now();
    const credentials = await roleCredentials(request.role, request.functionName);
    options.proxy.tag(credentials.accessKeyId, {
      function: request.functionName,
      requestId,
      ...(credentialTags?.(request) ?? {}),
    });
    const eventFile = join(workDir, `${requestId}.event.json`);
    const resultFile = join(workDir, `${requestId}.result.json`);
    writeFileSync(eventFile, JSON.stringify(request.event ?? {}));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      ...request.environment,
      AWS_REGION: request.region,
      AWS_DEFAULT_REGION: request.region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${request.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: request.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(request.memorySize),
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(request.timeout),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${request.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `rehearsal/[$LATEST]${requestId.replaceAll('-', '')}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: request.codeDirectory,
      _HANDLER: request.handler,
      _X_AMZN_TRACE_ID: `Root=1-${Math.floor(started / 1000).toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)};Parent=${randomUUID().replaceAll('-', '').slice(0, 16)};Sampled=0`,
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      // The one variable Lambda would not set: every SDK client goes to the emulator.
      AWS_ENDPOINT_URL: options.proxy.endpoint,
      ESTATESCAN_FUNCTION_ARN: request.functionArn,
      ESTATESCAN_REQUEST_ID: requestId,
      ESTATESCAN_EVENT_FILE: eventFile,
      ESTATESCAN_RESULT_FILE: resultFile,
    };
    const child = spawn(options.node.path, [bootstrapFile], {
      cwd: request.codeDirectory,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (chunk: Buffer) => {
      logs += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      logs += chunk.toString('utf8');
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, request.timeout * 1000);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    let outcome: { errored: boolean; payload: string; node?: string };
    try {
      outcome = JSON.parse(readFileSync(resultFile, 'utf8')) as {
        errored: boolean;
        payload: string;
        node?: string;
      };
    } catch {
      const errorType = timedOut ? 'Sandbox.Timedout' : 'Runtime.ExitError';
      const errorMessage = timedOut
        ? `Task timed out after ${request.timeout}.00 seconds`
        : `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`;
      outcome = { errored: true, payload: JSON.stringify({ errorType, errorMessage }) };
    }
    rmSync(eventFile, { force: true });
    rmSync(resultFile, { force: true });
    const invocation: Invocation = {
      requestId,
      functionName: request.functionName,
      event: request.event,
      payload: outcome.payload,
      errored: outcome.errored,
      logs,
      durationMs: Date.now() - started,
      ...(outcome.node ? { nodeVersion: outcome.node } : {}),
    };
    finished.push(invocation);
    return invocation;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const request = await readJson<InvocationRequest>(req);
      const invocation = await invoke(request);
      const body = JSON.stringify({
        payload: invocation.payload,
        errored: invocation.errored,
        logs: invocation.logs,
      });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      });
      res.end(body);
    })().catch((error: unknown) => {
      const body = JSON.stringify({
        payload: JSON.stringify({ errorType: 'Runtime.RehearsalError', errorMessage: String(error) }),
        errored: true,
        logs: String((error as Error)?.stack ?? error),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    invocations: () => [...finished],
    setCredentialTags(rule) {
      credentialTags = rule;
    },
    roleCredentials,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
