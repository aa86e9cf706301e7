/**
 * The rehearsal's emulator: the pinned moto (scripts/emulator/moto.ts) started through
 * moto_launcher.py, which applies the workarounds moto 5.2.1 needs to run the packaged stack, with
 * Step Functions execution turned on. What the launcher reports (workarounds applied, Retry waits)
 * is kept.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmulatorUnavailableError, resolveMotoServer } from '../emulator/moto.ts';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..', '..');
export const launcherScript = join(here, 'moto_launcher.py');
export const quirksScript = join(here, 'moto_quirks.py');

/** One line the launcher reported. */
export type LauncherReport =
  | { event: 'workaround'; name: string; [key: string]: unknown }
  | { event: 'retry-wait'; seconds: number; slept: number };

export interface RehearsalEmulator {
  /** moto itself (the recording proxy stands in front of it). */
  endpoint: string;
  reports(): LauncherReport[];
  stop(): Promise<void>;
}

/** The Python that runs the pinned moto (the one its `moto_server` script names). */
export function motoPython(): string {
  const server = resolveMotoServer();
  const venvPython = join(projectRoot, '.venv', 'bin', 'python');
  if (server === join(projectRoot, '.venv', 'bin', 'moto_server') && existsSync(venvPython))
    return venvPython;
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(server, 'utf8').split('\n', 1)[0] ?? '')?.[1];
  if (!shebang) throw new EmulatorUnavailableError(`cannot tell which Python runs ${server}`);
  return shebang;
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new EmulatorUnavailableError(`the moto launcher exited with ${child.exitCode}:\n${stderr()}`);
    }
    try {
      if ((await fetch(`${endpoint}/moto-api/data.json`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EmulatorUnavailableError(
    `the moto launcher did not answer on ${endpoint} within 60 s:\n${stderr()}`,
  );
}

export async function startRehearsalEmulator(options: {
  port: number;
  /** Where moto's Step Functions interpreter sends its service calls (the recording proxy's port). */
  serviceCallPort: number;
  lambdaRuntimeUrl: string;
  codeDirectory: string;
  retryScale: number;
}): Promise<RehearsalEmulator> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const child = spawn(motoPython(), [launcherScript, '-H', '127.0.0.1', '-p', String(options.port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      PYTHONUNBUFFERED: '1',
      MOTO_PORT: String(options.serviceCallPort),
      ESTATESCAN_LAMBDA_RUNTIME: options.lambdaRuntimeUrl,
      ESTATESCAN_CODE_DIR: options.codeDirectory,
      ESTATESCAN_RETRY_SCALE: String(options.retryScale),
    },
  });
  const reports: LauncherReport[] = [];
  let tail = '';
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('ESTATESCAN_LAUNCHER ')) {
        reports.push(JSON.parse(line.slice('ESTATESCAN_LAUNCHER '.length)) as LauncherReport);
      } else {
        tail = `${tail}${line}\n`.slice(-8000);
      }
    }
  });
  try {
    await waitUntilAnswering(endpoint, child, () => tail);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const response = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  if (!response.ok) throw new Error(`POST /moto-api/config answered HTTP ${response.status}`);
  return {
    endpoint,
    reports: () => [...reports],
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
