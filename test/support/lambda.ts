/** What handler tests need from Lambda: a context, and the log lines and metrics the functions print. */
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';

export function lambdaContext(functionName = 'estatescan-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/25/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 600_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * Captures what the process writes to stdout and stderr (Powertools writes its JSON log lines and
 * EMF metrics there, not through `console.log`), without printing it. Call `restore()` after.
 */
export function captureOutput(): { lines: () => string[]; text: () => string; restore: () => void } {
  const written: string[] = [];
  const capture = (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    lines: () => written.join('').split('\n').filter(Boolean),
    text: () => written.join(''),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}
