/**
 * The notifier's side of the table's change stream: a batch of stream records becomes one change
 * set per run, and each set is published as the notifier groups it.
 *
 * What a failed "item" is: several records make one message (a run's changes in an account), so a
 * message cannot be retried record by record. Lambda retries a stream batch from the lowest
 * sequence number reported as failed, redelivering every record after it. So when a set fails, the
 * batch reports the set's earliest record and publishes nothing after it: the retry brings back the
 * whole set (and the sets behind it), rebuilt from the records, and publishes each once. Sets
 * before it that went out are not sent again, unless their records interleave with the failed
 * set's (delivery is at least once, never lost).
 */
import type { Notifier } from '../alerts/notifier.ts';
import { EstatescanError } from '../errors.ts';
import { changeSetsFromStream, type StreamRecord } from '../findings/stream.ts';
import { runMode } from '../scan/run-id.ts';
import { logger } from './logger.ts';

export interface StreamBatchRecord extends StreamRecord {
  dynamodb?: StreamRecord['dynamodb'] & { SequenceNumber?: string };
}

/** Lambda's partial batch response (`FunctionResponseTypes: [ReportBatchItemFailures]`). */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export interface StreamBatchResult {
  response: BatchResponse;
  /** Messages published. */
  messages: number;
  /** Change sets that could not be published (0 or 1: publishing stops at the first). */
  failedSets: number;
  /** Change sets of quiet and dry runs, not announced. */
  quietSets: number;
}

/** The records of each run, in the order of each run's first record. */
function recordsByRun(records: readonly StreamBatchRecord[]): Map<string, StreamBatchRecord[]> {
  const byRun = new Map<string, StreamBatchRecord[]>();
  for (const record of records) {
    const runId = changeSetsFromStream([record])[0]?.runId;
    if (runId === undefined) continue; // announces nothing (inventory, run records, removals)
    const list = byRun.get(runId);
    if (list) list.push(record);
    else byRun.set(runId, [record]);
  }
  return byRun;
}

export async function publishStreamBatch(
  records: readonly StreamBatchRecord[],
  notifier: Notifier,
): Promise<StreamBatchResult> {
  const result: StreamBatchResult = {
    response: { batchItemFailures: [] },
    messages: 0,
    failedSets: 0,
    quietSets: 0,
  };
  for (const [runId, runRecords] of recordsByRun(records)) {
    if (runMode(runId) !== 'normal') {
      result.quietSets++;
      logger.info('Changes of a quiet run not announced', { runId, records: runRecords.length });
      continue;
    }
    const [changeSet] = changeSetsFromStream(runRecords);
    if (!changeSet) continue;
    try {
      const { messages } = await notifier.publish(changeSet);
      result.messages += messages;
      logger.info('Changes announced', {
        runId,
        messages,
        changes: changeSet.changes.length,
        baselines: changeSet.baselines.length,
        targetHealth: changeSet.targetHealth?.length ?? 0,
      });
    } catch (error) {
      const first = runRecords[0]?.dynamodb?.SequenceNumber;
      if (!first) {
        // Without a sequence number the batch cannot be retried in part: retry all of it.
        throw new EstatescanError(
          `Could not announce the changes of run ${runId}, and its stream records carry no sequence number`,
          { cause: error },
        );
      }
      logger.error('Could not announce changes; the stream will retry from this run', {
        runId,
        sequenceNumber: first,
        error: error instanceof Error ? error : String(error),
      });
      result.failedSets++;
      result.response.batchItemFailures.push({ itemIdentifier: first });
      break;
    }
  }
  return result;
}
