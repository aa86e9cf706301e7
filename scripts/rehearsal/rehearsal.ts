/**
 * A rehearsal of the packaged deployment on the emulator: `npm run package` into a temporary
 * directory, the pinned moto behind a recording proxy with Step Functions execution on, the stack
 * created from the packaged templates as osls creates it, the member role in every member account,
 * and the functions run from their packaged zips by a local Lambda runtime. The demo estate
 * (scripts/demo/estate.ts) is what gets scanned.
 *
 * What moto 5.2.1 needs worked around is in moto_launcher.py (each checked by moto_quirks.py);
 * what it does not create at all (bucket and topic policies, the schedule, alarms,
 * EventInvokeConfig, S3 bucket settings beyond encryption and tags) stays with
 * scripts/check-template.ts.
 *
 * Test-only departures from a real deployment, all here:
 * - The targets (accounts, regions) and the inline limit are osls params given at package time, as
 *   a deployer gives them; everything else is packaged with serverless.yml's defaults.
 * - Each function's calls go to the emulator through AWS_ENDPOINT_URL, the one variable Lambda
 *   would not set; moto's STS does not evaluate the member role's trust (external id, principals).
 * - Retry waits are slept for `retryScale` of their length (the definition is deployed as
 *   packaged; the launcher reports each wait with the length the definition asked for).
 * - ToleratedFailurePercentage is passed as the template's default written with a decimal point
 *   (moto's ASL parser rejects an integer; Step Functions accepts both).
 * - The table's stream is delivered to notify when `deliverStream()` is called rather than after
 *   the mapping's 300-second batching window: a run finishes well within one window, so Lambda
 *   would deliver the same records in the same batch.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { drainInbox, type ReceivedAlert } from '../demo/alert-inbox.ts';
import { DEMO_HUB_CREDENTIALS, seedDemoEstate } from '../demo/estate.ts';
import { freePort } from '../emulator/moto.ts';
import { packageWithOsls } from '../package.ts';
import {
  type AwsAccess,
  administratorOf,
  type DeployedStack,
  deployMemberRole,
  deployPackagedService,
  putExternalId,
} from './deploy.ts';
import { type RehearsalEmulator, startRehearsalEmulator } from './emulator.ts';
import { type LambdaNode, resolveLambdaNode } from './lambda-node.ts';
import { type InvocationRequest, type LambdaRuntime, startLambdaRuntime } from './lambda-runtime.ts';
import { type RecordingProxy, serviceUnavailable, startRecordingProxy } from './recording-proxy.ts';
import { deliverStreamRecords, type StreamDelivery } from './stream-poller.ts';

/** The hub account: moto's default, where the deployer's keys land. */
export const HUB_ACCOUNT = '123456789012';
/** moto's Step Functions interpreter signs its service calls with this key. */
export const STATE_MACHINE_KEY = 'ak';
/** The key the rehearsal uses where Lambda's own service acts (the stream poller's invokes). */
export const LAMBDA_SERVICE_KEY = 'AKIALAMBDASERVICE001';

export interface RehearsalOptions {
  /** Member accounts to scan (osls param targetAccounts). */
  accounts: string[];
  /** Regions to scan (osls param targetRegions). */
  regions: string[];
  /** osls param inlineTargetLimit: on-demand requests with more targets start the state machine. */
  inlineTargetLimit: number;
  /** The share of each Retry wait actually slept (1: as deployed). */
  retryScale: number;
  stage?: string;
  region?: string;
}

/** One message as the queue subscribed to the alerts topic received it. */
export type AlertMessage = ReceivedAlert;

export interface ExecutionOutcome {
  executionArn: string;
  status: string;
  output?: unknown;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
}

export interface Rehearsal {
  node: LambdaNode;
  stack: DeployedStack;
  proxy: RecordingProxy;
  runtime: LambdaRuntime;
  emulator: RehearsalEmulator;
  /** The deployer's access to the hub account, straight to moto (not recorded). */
  hub: AwsAccess;
  /** The input the schedule starts runs with (RunSchedule's Target.Input). */
  scheduleInput: string;
  startExecution(input: string, name?: string): Promise<string>;
  waitForExecution(executionArn: string, timeoutMs?: number): Promise<ExecutionOutcome>;
  /** A console invoke (RequestResponse) of a function by its serverless.yml name. */
  invoke(functionName: string, event: unknown): Promise<{ payload: unknown; functionError?: string }>;
  /** The table's stream to notify, through its event source mapping's settings. */
  deliverStream(): Promise<StreamDelivery[]>;
  /**
   * Makes every AWS call of the invocations `rule` picks answer HTTP 503 ServiceUnavailable, as if
   * the hub's services were down for them (undefined: none).
   */
  failInvocations(rule: ((request: InvocationRequest) => boolean) | undefined): void;
  /** Messages the queue subscribed to the alerts topic received since the last call. */
  receiveAlerts(): Promise<AlertMessage[]>;
  stop(): Promise<void>;
}

function log(message: string): void {
  process.stderr.write(`[rehearsal] ${message}\n`);
}

/** A parameter's default written with a decimal point (moto's ASL parser wants a float). */
function asDecimal(value: unknown): string {
  const text = String(value);
  return /^\d+$/.test(text) ? `${text}.0` : text;
}

export async function startRehearsal(options: RehearsalOptions): Promise<Rehearsal> {
  const stage = options.stage ?? 'ci';
  const region = options.region ?? 'us-east-1';
  const workDir = mkdtempSync(join(tmpdir(), 'estatescan-rehearsal-'));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    const node = resolveLambdaNode();
    log(`functions run on Node ${node.version}${node.pinned ? '' : ' (NOT the pinned Node 22)'}`);

    const packageDir = join(workDir, 'package');
    packageWithOsls(
      [
        '--stage',
        stage,
        '--region',
        region,
        '--package',
        packageDir,
        '--param',
        `targetAccounts=${options.accounts.join(',')}`,
        '--param',
        `targetRegions=${options.regions.join(',')}`,
        '--param',
        `inlineTargetLimit=${options.inlineTargetLimit}`,
      ],
      'pipe',
      // osls is run synchronously: a hung one (two packagings in one work tree) must not hang the
      // caller beyond its own timeouts.
      180_000,
    );
    log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const motoPort = await freePort();
    const proxy = await startRecordingProxy(`http://127.0.0.1:${motoPort}`);
    stops.push(() => proxy.stop());
    proxy.name(DEMO_HUB_CREDENTIALS.accessKeyId, { arn: 'deployer', accountId: HUB_ACCOUNT });
    proxy.name(LAMBDA_SERVICE_KEY, { arn: 'lambda-service', accountId: HUB_ACCOUNT });
    const runtime = await startLambdaRuntime({ node, proxy, deployerCredentials: DEMO_HUB_CREDENTIALS });
    stops.push(() => runtime.stop());
    const codeDirectory = join(workDir, 'code');
    mkdirSync(codeDirectory);
    const emulator = await startRehearsalEmulator({
      port: motoPort,
      serviceCallPort: proxy.port,
      lambdaRuntimeUrl: runtime.url,
      codeDirectory,
      retryScale: options.retryScale,
    });
    stops.push(() => emulator.stop());

    const hub: AwsAccess = { endpoint: emulator.endpoint, region, credentials: DEMO_HUB_CREDENTIALS };
    await seedDemoEstate(emulator.endpoint);
    const externalIdName = `/estatescan/${stage}/external-id`;
    const externalId = `rehearsal-${Math.random().toString(36).slice(2)}-external-id`;
    await putExternalId(hub, externalIdName, externalId);

    const packaged = JSON.parse(
      readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as DeployedStack['template'];
    const tolerated = packaged.Parameters?.ToleratedFailurePercentage?.Default;
    const stack = await deployPackagedService(hub, packageDir, `estatescan-${stage}`, {
      ToleratedFailurePercentage: asDecimal(tolerated),
    });
    for (const accountId of options.accounts) {
      await deployMemberRole(await administratorOf(hub, accountId), {
        HubAccountId: HUB_ACCOUNT,
        HubPrincipalArns: stack.outputs.MemberRoleHubPrincipalArns ?? '',
        ExternalId: externalId,
      });
    }
    log(`stack and member roles deployed ${((Date.now() - started) / 1000).toFixed(1)} s after the start`);

    const config = { region, endpoint: emulator.endpoint, credentials: DEMO_HUB_CREDENTIALS };
    const sfn = new SFNClient(config);
    stops.push(async () => sfn.destroy());
    const stateMachineArn = stack.outputs.StateMachineArn ?? '';
    const { roleArn } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    proxy.name(STATE_MACHINE_KEY, { arn: roleArn ?? 'state-machine', accountId: HUB_ACCOUNT });

    // The console's invokes and Lambda's own (the stream's) go through the proxy, as the service.
    const lambda = new LambdaClient({
      region,
      endpoint: proxy.endpoint,
      credentials: { accessKeyId: LAMBDA_SERVICE_KEY, secretAccessKey: 'lambda-service' },
    });
    stops.push(async () => lambda.destroy());

    const sns = new SNSClient(config);
    const sqs = new SQSClient(config);
    stops.push(async () => {
      sns.destroy();
      sqs.destroy();
    });
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'rehearsal-alert-inbox' })))
      .QueueUrl!;
    const queueArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes!.QueueArn!;
    await sns.send(
      new SubscribeCommand({ TopicArn: stack.outputs.AlertsTopicArn, Protocol: 'sqs', Endpoint: queueArn }),
    );

    const scheduleInput = String(packaged.Resources.RunSchedule?.Properties?.Target?.Input ?? '{}');
    const functionName = (name: string) => `estatescan-${stage}-${name}`;

    return {
      node,
      stack,
      proxy,
      runtime,
      emulator,
      hub,
      scheduleInput,
      async startExecution(input, name) {
        const { executionArn } = await sfn.send(
          new StartExecutionCommand({ stateMachineArn, input, ...(name ? { name } : {}) }),
        );
        return executionArn!;
      },
      async waitForExecution(executionArn, timeoutMs = 180_000) {
        const deadline = Date.now() + timeoutMs;
        let execution: DescribeExecutionCommandOutput;
        for (;;) {
          execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
          if (execution.status !== 'RUNNING') break;
          if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
          await new Promise((r) => setTimeout(r, 250));
        }
        const history: HistoryEvent[] = [];
        let nextToken: string | undefined;
        do {
          const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
          history.push(...(page.events ?? []));
          nextToken = page.nextToken;
        } while (nextToken);
        return {
          executionArn,
          status: execution.status ?? 'UNKNOWN',
          ...(execution.output ? { output: JSON.parse(execution.output) as unknown } : {}),
          ...(execution.error ? { error: execution.error } : {}),
          ...(execution.cause ? { cause: execution.cause } : {}),
          history,
        };
      },
      async invoke(name, event) {
        const answer = await lambda.send(
          new InvokeCommand({ FunctionName: functionName(name), Payload: JSON.stringify(event) }),
        );
        const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8');
        return {
          payload: text ? (JSON.parse(text) as unknown) : undefined,
          ...(answer.FunctionError ? { functionError: answer.FunctionError } : {}),
        };
      },
      deliverStream: () =>
        deliverStreamRecords({
          lambda,
          functionName: functionName('notify'),
          endpoint: proxy.endpoint,
          region,
          roleCredentials: (roleArn) => runtime.roleCredentials(roleArn, 'lambda-event-source-mapping'),
        }),
      failInvocations(rule) {
        runtime.setCredentialTags(
          rule
            ? (request): Record<string, string> => (rule(request) ? { fault: 'unavailable' } : {})
            : undefined,
        );
        proxy.setFault(
          rule
            ? (call) => (call.principal?.tags.fault === 'unavailable' ? serviceUnavailable(call) : undefined)
            : undefined,
        );
      },
      receiveAlerts: () => drainInbox(sqs, queueUrl),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
