import { UsageError } from '../errors.ts';

/** Problems an error lists (the rest are counted), and the longest line it lists. */
export const MAX_LISTED_PROBLEMS = 20;
const MAX_PROBLEM_LENGTH = 300;

/**
 * A function was invoked with an event it cannot take. Raised before anything is read or written;
 * `problems` lists the first 20 of them (and how many more there are), each cut to 300
 * characters: the message is logged and answered, so it stays small whatever the event. Not worth
 * retrying: the same event fails the same way.
 */
export class InvalidEventError extends UsageError {
  override name = 'InvalidEventError';
  constructor(
    /** The function whose event it was (`scan`, `plan`…). */
    readonly functionName: string,
    problems: string[],
    hint?: string,
  ) {
    const listed = problems
      .slice(0, MAX_LISTED_PROBLEMS)
      .map((p) => (p.length > MAX_PROBLEM_LENGTH ? `${p.slice(0, MAX_PROBLEM_LENGTH - 1)}…` : p));
    if (problems.length > MAX_LISTED_PROBLEMS) {
      listed.push(`…and ${(problems.length - MAX_LISTED_PROBLEMS).toLocaleString('en-US')} more`);
    }
    super(
      `Invalid ${functionName} event (${problems.length.toLocaleString('en-US')} problem${problems.length === 1 ? '' : 's'}):\n` +
        `  ${listed.join('\n  ')}${hint ? `\n${hint}` : ''}\nNothing was scanned or written.`,
      listed,
    );
  }
}
