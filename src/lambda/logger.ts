/**
 * The functions' one logger, metrics and tracer (Powertools for AWS Lambda). Every log line is
 * structured JSON; `appendRunKeys` adds the run id, account and region to every line of the
 * invocation (the middleware clears them when it ends). Metrics go out in the embedded metric
 * format under the `Estatescan` namespace, with the service and the stage (`STAGE`) as their
 * dimensions: two stages deployed in one account keep their graphs and alarms apart.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { readTelemetryEnvironment } from '../config/environment.ts';

export const SERVICE_NAME = 'estatescan';
export const METRICS_NAMESPACE = 'Estatescan';

const { stage } = readTelemetryEnvironment();

export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({
  serviceName: SERVICE_NAME,
  namespace: METRICS_NAMESPACE,
  ...(stage ? { defaultDimensions: { stage } } : {}),
});
/**
 * HTTPS capture is off: it records every `fetch` and `https` request's URL in the trace, and the
 * one such request the functions make is the Slack forwarder's, whose URL path is the webhook's
 * secret (anyone reading traces could post to the channel). The AWS calls are traced by
 * `captureAWSv3Client` (the wiring modules, and through the scan session every client made for a
 * member account), which records the operation, not the URL.
 */
export const tracer = new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });

export interface RunKeys {
  runId?: string;
  accountId?: string;
  region?: string;
}

/** Adds the run's keys to every following log line of this invocation. */
export function appendRunKeys(keys: RunKeys): void {
  logger.appendKeys(Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined)));
}
