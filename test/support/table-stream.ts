/**
 * Reads a table's DynamoDB stream on the emulator, as Lambda's event source mapping would deliver
 * it: each call returns the records not returned before, shaped as a DynamoDB stream event.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';

export class TableStreamReader {
  readonly #seen = new Set<string>();

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
    private readonly tableName: string,
  ) {}

  /** The records written since the last call, oldest first, as a Lambda event. */
  async nextEvent(): Promise<{ Records: _Record[] }> {
    const { Table } = await this.dynamodb.send(new DescribeTableCommand({ TableName: this.tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`${this.tableName} has no stream`);
    const { StreamDescription } = await this.streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn }),
    );
    const records: _Record[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let iterator = (
        await this.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      while (iterator) {
        const page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        for (const record of page.Records ?? []) {
          const sequence = record.dynamodb?.SequenceNumber ?? '';
          if (this.#seen.has(sequence)) continue;
          this.#seen.add(sequence);
          records.push(record);
        }
        if (!page.Records?.length) break;
        iterator = page.NextShardIterator;
      }
    }
    return { Records: records };
  }
}
