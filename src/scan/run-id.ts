/**
 * Run ids: sortable by time, unique, and usable as a Step Functions execution name. A run that must
 * not notify, or must not write, says so in its id: the id is the one thing every hop carries (the
 * state machine's input, each target's event, every item the store writes and so the change stream
 * the notifier reads), so the mode cannot be lost between them.
 */
import { randomUUID } from 'node:crypto';

/** `normal` writes and notifies; `quiet` writes but notifies nothing; `dry-run` writes nothing. */
export type RunMode = 'normal' | 'quiet' | 'dry-run';

const suffixes: Record<Exclude<RunMode, 'normal'>, string> = { quiet: '-quiet', 'dry-run': '-dryrun' };

/** Letters, digits, `-` and `_` (a Step Functions execution name), at most 80 characters. */
export const runIdPattern = /^[A-Za-z0-9_-]{1,80}$/;

/** `20261125T120000Z-1a2b3c4d`, with `-quiet` or `-dryrun` appended for those modes. */
export function newRunId(now: Date, mode: RunMode = 'normal'): string {
  const time = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${time}-${randomUUID().slice(0, 8)}${mode === 'normal' ? '' : suffixes[mode]}`;
}

export function runMode(runId: string): RunMode {
  if (runId.endsWith(suffixes['dry-run'])) return 'dry-run';
  if (runId.endsWith(suffixes.quiet)) return 'quiet';
  return 'normal';
}
