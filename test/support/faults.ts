/**
 * Client-side fault injection for what the emulator cannot do: deny one operation as IAM would.
 * The error carries the same name, code and HTTP status as the real service's.
 */
import type { SdkClient } from '../../src/aws/clients.ts';

export function denyOperation(
  client: SdkClient,
  commandName: string,
  code = 'UnauthorizedOperation',
  when: (input: Record<string, unknown>) => boolean = () => true,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== `${commandName}Command` || !when(args.input as Record<string, unknown>)) {
        return next(args);
      }
      const error = Object.assign(
        new Error(`You are not authorized to perform this operation. (${commandName})`),
        {
          name: code,
          Code: code,
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
        },
      );
      throw error;
    },
    { step: 'build', name: `deny${commandName}` },
  );
}
