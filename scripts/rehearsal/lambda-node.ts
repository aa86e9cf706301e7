/**
 * The Node that runs the packaged functions in the rehearsal: Lambda's runtime is nodejs22.x, so
 * Node 22, pinned, from the npm registry's `node-<platform>-<arch>` package (the official binary),
 * unpacked into node_modules/.cache once. Where it cannot be installed (no registry, no build for
 * this platform), the current Node runs them, and a line says so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node 22 release the functions run on (Lambda's nodejs22.x follows the 22.x line). */
export const LAMBDA_NODE_VERSION = '22.23.5';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = join(projectRoot, 'node_modules', '.cache', 'estatescan-lambda-node');

export interface LambdaNode {
  /** The `node` executable. */
  path: string;
  /** Its version, e.g. `v22.23.5`. */
  version: string;
  /** Whether it is the pinned Node 22 (false: the current Node, as the fallback). */
  pinned: boolean;
}

function log(message: string): void {
  process.stderr.write(`[lambda-node] ${message}\n`);
}

function versionOf(executable: string): string | undefined {
  try {
    return execFileSync(executable, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

/** Unpacks `bin/node` of the registry package into the cache; throws when it cannot. */
function install(packageName: string, target: string): void {
  const staging = mkdtempSync(join(tmpdir(), 'estatescan-lambda-node-'));
  try {
    log(`installing ${packageName}@${LAMBDA_NODE_VERSION} into ${target} (first run only)`);
    execFileSync(
      'npm',
      ['pack', `${packageName}@${LAMBDA_NODE_VERSION}`, '--pack-destination', staging, '--silent'],
      { cwd: staging, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 },
    );
    const tarball = readdirSync(staging).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no tarball in ${staging}`);
    execFileSync('tar', ['-xzf', join(staging, tarball), '-C', staging, 'package/bin/node'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    mkdirSync(dirname(target), { recursive: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(join(staging, 'package'), target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The pinned Node 22, installing it when needed; the current Node (with a line saying why) when
 * it cannot be had.
 */
export function resolveLambdaNode(): LambdaNode {
  const wanted = `v${LAMBDA_NODE_VERSION}`;
  const packageName = `node-${process.platform}-${process.arch}`;
  const target = join(cacheDir, `${packageName}-${LAMBDA_NODE_VERSION}`);
  const executable = join(target, 'bin', 'node');
  if (versionOf(executable) !== wanted) {
    try {
      install(packageName, target);
    } catch (error) {
      const reason = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message)
        .trim()
        .split('\n')[0];
      log(
        `could not install Node ${LAMBDA_NODE_VERSION} (${packageName}: ${reason}): the functions run ` +
          `on this process's Node ${process.version} instead of Lambda's nodejs22.x`,
      );
      return { path: process.execPath, version: process.version, pinned: false };
    }
  }
  const version = existsSync(executable) ? versionOf(executable) : undefined;
  if (version !== wanted) {
    log(
      `${executable} answers ${version ?? 'nothing'}, not ${wanted}: the functions run on this ` +
        `process's Node ${process.version} instead of Lambda's nodejs22.x`,
    );
    return { path: process.execPath, version: process.version, pinned: false };
  }
  return { path: executable, version, pinned: true };
}
