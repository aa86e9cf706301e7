/**
 * Lambda's DynamoDB stream poller, for the rehearsal (moto's own push to a mapped function needs
 * Docker, and drops the shard's records when it fails): reads the function's event source mapping
 * and follows its settings. Records are read with the function's execution role, as Lambda reads
 * them; batches of up to BatchSize records are invoked synchronously; a batch whose invocation
 * fails is retried (split in halves first when BisectBatchOnFunctionError is on) up to
 * MaximumRetryAttempts times, then sent to the on-failure destination; with
 * ReportBatchItemFailures, a batch resumes from the first record the function reports. Each shard's
 * position is kept between calls.
 */
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  type EventSourceMappingConfiguration,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Credentials } from './lambda-runtime.ts';

export interface StreamDelivery {
  /** Sequence numbers of the batch's records. */
  sequenceNumbers: string[];
  /** What the function answered (its JSON), or its error document. */
  response: unknown;
  functionError?: string;
  /** Retry of an earlier batch (after a failure or a reported item failure). */
  retry: number;
}

/** Per stream and shard: the last sequence number delivered. */
const checkpoints = new Map<string, string>();

/** A stream record as Lambda puts it in the event (epoch seconds, the source ARN). */
function eventRecord(record: _Record, streamArn: string, region: string): Record<string, unknown> {
  const approximate = record.dynamodb?.ApproximateCreationDateTime;
  return {
    ...record,
    awsRegion: record.awsRegion ?? region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...record.dynamodb,
      ...(approximate
        ? { ApproximateCreationDateTime: Math.floor(new Date(approximate).getTime() / 1000) }
        : {}),
    },
  };
}

export async function deliverStreamRecords(options: {
  lambda: LambdaClient;
  functionName: string;
  endpoint: string;
  region: string;
  roleCredentials: (roleArn: string) => Promise<Credentials>;
}): Promise<StreamDelivery[]> {
  const { lambda, functionName, region } = options;
  const { Role, FunctionArn } = await lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: functionName }),
  );
  // Every mapping, matched on the function's ARN: moto compares ListEventSourceMappings'
  // FunctionName filter with the text the mapping was created with (here an ARN).
  const { EventSourceMappings } = await lambda.send(new ListEventSourceMappingsCommand({}));
  const mappings = (EventSourceMappings ?? []).filter(
    (m) => m.FunctionArn === FunctionArn && /:dynamodb:.*\/stream\//.test(m.EventSourceArn ?? ''),
  );
  if (mappings.length === 0) throw new Error(`${functionName} has no DynamoDB stream event source mapping`);
  const credentials = await options.roleCredentials(Role ?? '');
  const clientConfig = { region, endpoint: options.endpoint, credentials };
  const streams = new DynamoDBStreamsClient(clientConfig);
  const sqs = new SQSClient(clientConfig);
  const deliveries: StreamDelivery[] = [];
  try {
    for (const mapping of mappings) {
      if (mapping.State && mapping.State !== 'Enabled') continue;
      deliveries.push(...(await deliverMapping(mapping, streams, sqs, lambda, region)));
    }
  } finally {
    streams.destroy();
    sqs.destroy();
  }
  return deliveries;
}

async function deliverMapping(
  mapping: EventSourceMappingConfiguration,
  streams: DynamoDBStreamsClient,
  sqs: SQSClient,
  lambda: LambdaClient,
  region: string,
): Promise<StreamDelivery[]> {
  const streamArn = mapping.EventSourceArn ?? '';
  const batchSize = mapping.BatchSize ?? 100;
  const maxRetries = mapping.MaximumRetryAttempts ?? -1;
  const reportsItemFailures = (mapping.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures');
  const onFailure = mapping.DestinationConfig?.OnFailure?.Destination;
  const deliveries: StreamDelivery[] = [];
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  for (const shard of StreamDescription?.Shards ?? []) {
    const key = `${streamArn}#${shard.ShardId}`;
    const checkpoint = checkpoints.get(key);
    // Every record not delivered yet (GetRecords gives at most 1,000 a call).
    const pending: _Record[] = [];
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ...(checkpoint
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
            : { ShardIteratorType: mapping.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON' }),
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      pending.push(...(page.Records ?? []));
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }

    let retry = 0;
    let queue: _Record[][] = [];
    for (let i = 0; i < pending.length; i += batchSize) queue.push(pending.slice(i, i + batchSize));
    while (queue.length > 0) {
      const batch = queue.shift()!;
      const answer = await lambda.send(
        new InvokeCommand({
          FunctionName: mapping.FunctionArn,
          Payload: JSON.stringify({ Records: batch.map((r) => eventRecord(r, streamArn, region)) }),
        }),
      );
      const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8');
      const response = text ? (JSON.parse(text) as unknown) : null;
      const sequenceNumbers = batch.map((r) => r.dynamodb?.SequenceNumber ?? '');
      deliveries.push({
        sequenceNumbers,
        response,
        ...(answer.FunctionError ? { functionError: answer.FunctionError } : {}),
        retry,
      });
      const failedItems =
        reportsItemFailures && !answer.FunctionError
          ? ((response as { batchItemFailures?: { itemIdentifier?: string }[] } | null)?.batchItemFailures ??
            [])
          : [];
      if (!answer.FunctionError && failedItems.length === 0) {
        checkpoints.set(key, sequenceNumbers.at(-1) ?? checkpoint ?? '');
        retry = 0;
        continue;
      }
      if (maxRetries >= 0 && retry >= maxRetries) {
        if (onFailure) {
          await sqs.send(
            new SendMessageCommand({
              QueueUrl: queueUrlOf(onFailure),
              MessageBody: JSON.stringify({
                requestContext: { condition: 'RetryAttemptsExhausted', functionArn: mapping.FunctionArn },
                DDBStreamBatchInfo: {
                  shardId: shard.ShardId,
                  startSequenceNumber: sequenceNumbers[0],
                  endSequenceNumber: sequenceNumbers.at(-1),
                  batchSize: batch.length,
                  streamArn,
                },
              }),
            }),
          );
        }
        checkpoints.set(key, sequenceNumbers.at(-1) ?? '');
        retry = 0;
        continue;
      }
      retry++;
      if (answer.FunctionError) {
        const half = Math.ceil(batch.length / 2);
        queue =
          mapping.BisectBatchOnFunctionError && batch.length > 1
            ? [batch.slice(0, half), batch.slice(half), ...queue]
            : [batch, ...queue];
      } else {
        const first = failedItems
          .map((f) => sequenceNumbers.indexOf(f.itemIdentifier ?? ''))
          .filter((i) => i >= 0)
          .reduce((a, b) => Math.min(a, b), batch.length);
        if (first > 0) checkpoints.set(key, sequenceNumbers[first - 1] ?? '');
        queue = [batch.slice(first), ...queue];
      }
    }
  }
  return deliveries;
}

/** An SQS queue's URL from its ARN, on the emulator's path layout. */
function queueUrlOf(queueArn: string): string {
  const [, , , region, account, name] = queueArn.split(':');
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}
