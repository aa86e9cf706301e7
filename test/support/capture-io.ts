/** A `CommandIo` that records what a command prints and writes, for in-process CLI tests. */
import type { CommandIo } from '../../src/cli/io.ts';

export interface CapturedIo extends CommandIo {
  out: string[];
  err: string[];
  /** What `--output <file>` would have written, by file name. */
  files: Map<string, string>;
}

export function captureIo(now: () => Date = () => new Date()): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  return {
    out,
    err,
    files,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    stderrStream: { write: (t: string) => err.push(t) } as unknown as NodeJS.WritableStream,
    now,
    async write(text, file) {
      if (file) files.set(file, text);
      else out.push(text);
    },
  };
}
