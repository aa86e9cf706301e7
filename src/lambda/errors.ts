import { UsageError } from '../errors.ts';

/**
 * A function was invoked with an event it cannot take. Raised before anything is read or written;
 * `problems` lists every one of them. Not worth retrying: the same event fails the same way.
 */
export class InvalidEventError extends UsageError {
  override name = 'InvalidEventError';
  constructor(
    /** The function whose event it was (`scan`, `plan`…). */
    readonly functionName: string,
    problems: string[],
    hint?: string,
  ) {
    super(
      `Invalid ${functionName} event (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        `  ${problems.join('\n  ')}${hint ? `\n${hint}` : ''}\nNothing was scanned or written.`,
      problems,
    );
  }
}
