/** What commands write to and read the time from, so tests run them in-process. */
import { writeFile } from 'node:fs/promises';

export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stderrStream: NodeJS.WritableStream & { columns?: number };
  now(): Date;
  /** Writes the command's result to a file, or stdout when no file is given. */
  write(text: string, file?: string): Promise<void>;
}

export function processIo(): CommandIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrStream: process.stderr,
    now: () => new Date(),
    async write(text, file) {
      if (file) await writeFile(file, text);
      else process.stdout.write(text);
    },
  };
}
