/**
 * Every function is its handler wrapped the same way: middy with the Powertools tracer, logger
 * (Lambda context on every line, the invocation's keys cleared after it) and metrics (flushed after
 * each invocation, cold starts counted), and a last middleware that logs why an invocation failed.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { ConfigurationError } from '../config/errors.ts';
import { InvalidEventError } from './errors.ts';
import { logger, metrics, tracer } from './logger.ts';

export interface WrapOptions {
  /** The function's name in estatescan (`scan-target`), for its log lines. */
  name: string;
}

/**
 * Logs the failure with the invocation's keys still attached (middy runs `onError` in reverse
 * order, so this one runs before the logger middleware clears them), then lets it propagate:
 * Lambda reports it to the caller, Step Functions retries or catches it by its name.
 */
function logFailure(name: string): MiddlewareObj {
  return {
    onError: async (request) => {
      const error = request.error;
      if (error instanceof InvalidEventError) {
        logger.warn(`${name}: event rejected`, { problems: error.problems });
      } else if (error instanceof ConfigurationError) {
        logger.error(`${name}: misconfigured`, { problems: error.problems });
      } else {
        logger.error(`${name}: failed`, error instanceof Error ? error : String(error));
      }
    },
  };
}

export function wrap<E, R>(handler: (event: E, context: Context) => Promise<R>, options: WrapOptions) {
  return (
    middy(handler)
      // Responses carry findings: keep them out of the trace, which has a size limit.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
      .use(logFailure(options.name))
  );
}
