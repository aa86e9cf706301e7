/**
 * Answers, on the client, an operation moto lacks, with a body shaped like the API reference: a
 * real HTTP response handed to the SDK's own deserializer (the middleware stands where the HTTP
 * handler would answer), so the call counter and retries see an ordinary successful call. For
 * tests that need what comes after such a call to happen (describing the add-ons a list names).
 */
import type { SdkClient } from '../../src/aws/clients.ts';

export function answerOperation(
  client: SdkClient,
  commandName: string,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== `${commandName}Command`) return next(args);
      return {
        response: {
          statusCode: 200,
          reason: 'OK',
          headers: {
            'content-type': contentType,
            'content-length': String(Buffer.byteLength(text)),
            'x-amzn-requestid': 'test-moto-gap',
          },
          body: Buffer.from(text),
        },
      };
    },
    { step: 'deserialize', priority: 'low', name: `testAnswer${commandName}`, override: true },
  );
}
