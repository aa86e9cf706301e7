/**
 * The AWS emulator used by the tests, the demo and the benchmark: moto's standalone server.
 *
 * `resolveMotoServer` finds an executable (a pinned install in the project's `.venv` when PyPI is
 * reachable, else a `moto_server` already on PATH); `startMoto` runs it on a free loopback port and
 * waits until it answers.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MOTO_VERSION = '5.2.1';
/**
 * The OCSF models Prowler validates its output with; the OCSF validation test runs them over a whole
 * scan (test/support/ocsf_validate.py). 0.10.0 implements OCSF 1.5.0.
 */
export const OCSF_MODELS_VERSION = '0.10.0';
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const venvDir = join(projectRoot, '.venv');
const venvMoto = join(venvDir, 'bin', 'moto_server');
const stampFile = join(venvDir, '.moto-version');
const ocsfStampFile = join(venvDir, '.py-ocsf-models-version');

export class EmulatorUnavailableError extends Error {
  override name = 'EmulatorUnavailableError';
}

function log(message: string): void {
  process.stderr.write(`[emulator] ${message}\n`);
}

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function pythonOnPath(): string | undefined {
  return onPath('python3') ?? onPath('python');
}

/** Installs the pinned moto into `.venv` unless it is already there; returns false when it could not. */
function installIntoVenv(): boolean {
  if (
    existsSync(venvMoto) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8').trim() === MOTO_VERSION
  ) {
    return true;
  }
  const python = pythonOnPath();
  if (!python) return false;
  try {
    log(`installing moto[server]==${MOTO_VERSION} into ${venvDir} (first run only)`);
    if (!existsSync(join(venvDir, 'bin', 'python'))) {
      execFileSync(python, ['-m', 'venv', venvDir], { stdio: 'inherit' });
    }
    execFileSync(
      join(venvDir, 'bin', 'python'),
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `moto[server]==${MOTO_VERSION}`],
      { stdio: 'inherit', timeout: 600_000 },
    );
    writeFileSync(stampFile, `${MOTO_VERSION}\n`);
    return existsSync(venvMoto);
  } catch (error) {
    log(`could not install moto into ${venvDir}: ${(error as Error).message.split('\n')[0]}`);
    return false;
  }
}

/** The path of a `moto_server` to run, installing the pinned version first when possible. */
export function resolveMotoServer(): string {
  if (process.env.ESTATESCAN_MOTO_SERVER) return process.env.ESTATESCAN_MOTO_SERVER;
  if (installIntoVenv()) return venvMoto;
  const fallback = onPath('moto_server');
  if (fallback) {
    log(`using ${fallback} from PATH (the pinned install into .venv failed)`);
    return fallback;
  }
  throw new EmulatorUnavailableError(
    `moto's server is not available. Install Python 3 with pip and let the project install it ` +
      `(npm run emulator:install), or install it yourself: pip install "moto[server]==${MOTO_VERSION}".`,
  );
}

function canImport(python: string, module: string): boolean {
  try {
    execFileSync(python, ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A Python that can import `py_ocsf_models`: the project's `.venv` (beside moto), where the pinned
 * version is installed on first use and then found by its stamp without any network; else the
 * Python that runs a `moto_server` from PATH, when it has the models already.
 */
export function ocsfValidatorPython(): string {
  const server = resolveMotoServer();
  const venvPython = join(venvDir, 'bin', 'python');
  if (server === venvMoto || existsSync(venvPython)) {
    if (existsSync(ocsfStampFile) && readFileSync(ocsfStampFile, 'utf8').trim() === OCSF_MODELS_VERSION) {
      return venvPython;
    }
    try {
      log(`installing py-ocsf-models==${OCSF_MODELS_VERSION} into ${venvDir} (first run only)`);
      execFileSync(
        venvPython,
        [
          '-m',
          'pip',
          'install',
          '--quiet',
          '--disable-pip-version-check',
          `py-ocsf-models==${OCSF_MODELS_VERSION}`,
        ],
        { stdio: 'inherit', timeout: 600_000 },
      );
      writeFileSync(ocsfStampFile, `${OCSF_MODELS_VERSION}\n`);
      return venvPython;
    } catch (error) {
      log(`could not install py-ocsf-models into ${venvDir}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(server, 'utf8').split('\n', 1)[0] ?? '')?.[1];
  for (const python of [venvPython, shebang].filter((p): p is string => !!p && existsSync(p))) {
    if (canImport(python, 'py_ocsf_models')) return python;
  }
  throw new EmulatorUnavailableError(
    `py-ocsf-models is not available. Let the project install it (npm run emulator:install), or ` +
      `install it yourself beside moto: pip install "py-ocsf-models==${OCSF_MODELS_VERSION}".`,
  );
}

/**
 * The directory of the `moto` Python package behind `resolveMotoServer()` (its `ec2/resources` hold
 * real public AMI records, which the OS detection corpus test reads). The interpreter is the one
 * the `moto_server` script runs with, named in its first line.
 */
export function motoPackageDir(): string {
  const server = resolveMotoServer();
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(server, 'utf8').split('\n', 1)[0] ?? '')?.[1];
  const python = server === venvMoto ? join(venvDir, 'bin', 'python') : shebang;
  if (!python) throw new EmulatorUnavailableError(`cannot tell which Python runs ${server}`);
  return execFileSync(python, ['-c', 'import moto, os; print(os.path.dirname(moto.__file__))'], {
    encoding: 'utf8',
  }).trim();
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface RunningEmulator {
  endpoint: string;
  /** Forgets every resource in every account and region. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new EmulatorUnavailableError(`moto_server exited with code ${child.exitCode} before answering`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new EmulatorUnavailableError(
    `moto_server did not answer on ${endpoint} within ${timeoutMs} ms (${String(lastError)})`,
  );
}

export async function startMoto(
  options: { port?: number; timeoutMs?: number } = {},
): Promise<RunningEmulator> {
  const executable = resolveMotoServer();
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(executable, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilAnswering(endpoint, child, options.timeoutMs ?? 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new EmulatorUnavailableError(`${(error as Error).message}\n${stderrTail}`, { cause: error });
  }
  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset answered HTTP ${response.status}`);
    },
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
