/**
 * notify: the findings table's stream → one change set per run → SNS. Reports the earliest record
 * of a set it could not publish (`ReportBatchItemFailures`), so the stream retries from there.
 */
import { parseEvent, streamEventSchema } from '../src/lambda/events.ts';
import { wrap } from '../src/lambda/middleware.ts';
import { publishNotifyMetrics } from '../src/lambda/run-metrics.ts';
import { type BatchResponse, publishStreamBatch } from '../src/lambda/stream-batch.ts';
import { lambdaNotifyDependencies, type NotifyDependencies } from '../src/lambda/wiring/notify.ts';

export function createHandler(dependencies: () => NotifyDependencies = lambdaNotifyDependencies) {
  return wrap(
    async (event: unknown): Promise<BatchResponse> => {
      const { Records } = parseEvent(streamEventSchema, event, 'notify');
      const result = await publishStreamBatch(Records, dependencies().notifier());
      publishNotifyMetrics(result);
      return result.response;
    },
    { name: 'notify' },
  );
}

export const handler = createHandler();
