/**
 * Where `estatescan scan` writes its reports: stdout, one file (`--output`), or one file per format
 * in a directory (`--output-dir`, or `--output` naming a directory, as Prowler's `-o` does), named
 * after the run. Checked before the scan starts: a report that cannot be written is a usage error
 * found in a second, not after a long scan.
 */
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';

export type OutputPlan =
  | { kind: 'stdout'; format: string }
  | { kind: 'file'; format: string; path: string }
  | { kind: 'dir'; dir: string; files: { format: string; path: string }[] };

export interface OutputRequest {
  formats: readonly string[];
  output?: string;
  outputDir?: string;
  runId: string;
}

/** `estatescan-<run id>.<extension>`: OCSF and ASFF say so before `.json`. */
const extensions: Record<string, string> = {
  table: 'txt',
  json: 'json',
  csv: 'csv',
  ocsf: 'ocsf.json',
  asff: 'asff.json',
  html: 'html',
};

export function reportFileName(runId: string, format: string): string {
  return `estatescan-${runId}.${extensions[format] ?? format}`;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

const reason = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/** Creates the directory when missing and checks it can be written to. */
async function checkDirectory(dir: string, flag: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`${flag}: cannot create the directory ${dir} (${reason(error)})`);
  }
  if (!(await isDirectory(dir))) throw new UsageError(`${flag}: ${dir} is not a directory`);
  try {
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`${flag}: cannot write to ${dir} (${reason(error)})`);
  }
}

/**
 * Decides where each report goes and checks it can be written, creating an output directory when
 * missing. Throws a `UsageError` naming the problem; makes no AWS call.
 */
export async function prepareOutput(request: OutputRequest): Promise<OutputPlan> {
  const { formats, output, outputDir, runId } = request;
  if (output && outputDir) throw new UsageError('--output and --output-dir: give one of them');
  const directory =
    outputDir ?? (output && (/[/\\]$/.test(output) || (await isDirectory(output))) ? output : undefined);
  if (directory !== undefined) {
    const flag = outputDir ? '--output-dir' : '--output';
    await checkDirectory(directory, flag);
    return {
      kind: 'dir',
      dir: directory,
      files: formats.map((format) => ({ format, path: join(directory, reportFileName(runId, format)) })),
    };
  }
  if (formats.length > 1) {
    throw new UsageError(
      `--format ${formats.join(',')}: several formats need --output-dir <dir> (one file per format)`,
    );
  }
  const format = formats[0] ?? 'table';
  if (!output) return { kind: 'stdout', format };
  const parent = dirname(resolve(output));
  if (!(await isDirectory(parent))) {
    throw new UsageError(`--output: the directory of ${output} does not exist (${parent})`);
  }
  try {
    await access(parent, constants.W_OK);
    // An existing file must be writable too; a missing one is created by the write.
    await access(output, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  } catch (error) {
    throw new UsageError(`--output: cannot write to ${output} (${reason(error)})`);
  }
  return { kind: 'file', format, path: output };
}
