import { EstatescanError } from '../errors.ts';

/**
 * Another run wrote this target's findings or state between the time this run read them and the
 * time it wrote (a scheduled run and a console invoke on the same account and region). Nothing it
 * wrote is announced twice: the caller reloads the target and reconciles again.
 */
export class ConcurrentUpdateError extends EstatescanError {
  override name = 'ConcurrentUpdateError';
  constructor(
    readonly accountId: string,
    readonly region: string,
    /** Finding ids this attempt wrote before it found out (their changes stand). */
    readonly applied: readonly string[],
  ) {
    super(
      `Another run updated ${accountId} ${region} while this one was writing it; reconciling again with what it wrote.`,
    );
  }
}
