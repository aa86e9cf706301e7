/**
 * Progress for long scans: a single rewritten status line on a terminal, a plain line per target
 * otherwise (CI logs, files).
 */
import type { TargetResult } from '../scan/run-inventory.ts';
import { cut, forTerminal } from '../text/sanitize.ts';

export interface Progress {
  targetDone(result: TargetResult, done: number, total: number): void;
  finish(): void;
}

export function createProgress(
  stream: NodeJS.WritableStream & { columns?: number },
  interactive: boolean,
  quiet: boolean,
): Progress {
  if (quiet) return { targetDone() {}, finish() {} };
  let drawn = false;
  return {
    targetDone(result, done, total) {
      const status = result.status === 'ok' ? 'ok' : `${result.status} (${result.errors.length} errors)`;
      const text = forTerminal(`[${done}/${total}] ${result.accountId} ${result.region} ${status}`);
      if (interactive) {
        const width = stream.columns ?? 80;
        stream.write(`\r\x1b[2K${cut(text, width - 1)}`);
        drawn = true;
      } else {
        stream.write(`${text}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
