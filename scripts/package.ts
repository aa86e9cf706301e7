/**
 * `npm run package`: packages the service offline with osls (no AWS credentials, no AWS calls),
 * validates the generated CloudFormation and the member role template with cfn-lint, then runs the
 * structural checks of scripts/check-template.ts.
 *
 *   npm run package                    stage ci, artifacts in .serverless/
 *   npm run package -- --stage prod    any osls package option is passed on
 *
 * cfn-lint is installed, pinned, into the project's `.venv` (the same virtualenv as the emulator).
 * Only when the package index pip is configured with cannot be reached does it fall back to a
 * cfn-lint already installed, or say clearly that it skipped; any other failure to install it (no
 * Python, a venv or pip error) fails the packaging.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkTemplate, withResolvedDefinitions } from './check-template.ts';
import { readTemplate } from './cloudformation.ts';

export const CFN_LINT_VERSION = '1.58.0';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const venvDir = join(projectRoot, '.venv');
const venvCfnLint = join(venvDir, 'bin', 'cfn-lint');
const venvPython = join(venvDir, 'bin', 'python');
const serverlessDir = join(projectRoot, '.serverless');
const memberRoleTemplate = join(projectRoot, 'infra', 'member-role.yml');

/**
 * Checks cfn-lint cannot pass on osls's output, with the reason:
 * - W3005: osls adds `DependsOn` on each function's role although `Role: !GetAtt` implies it.
 */
export const ignoredOnPackagedTemplate = ['W3005'];
/** On the copy with resolved definitions, the Number parameters are substituted away (W2001). */
export const ignoredOnResolvedCopy = [...ignoredOnPackagedTemplate, 'W2001'];

function log(message: string): void {
  process.stderr.write(`[package] ${message}\n`);
}

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function versionOf(executable: string): string | undefined {
  try {
    return /(\d+\.\d+\.\d+)/.exec(execFileSync(executable, ['--version'], { encoding: 'utf8' }))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * Runs osls package with no AWS credentials in its environment: it must not need them. Options
 * are passed on (`--stage` defaults to ci; `--package <dir>` writes the artifacts elsewhere). With
 * `timeoutMs`, an osls that has not finished by then is killed and packaging fails.
 */
export function packageWithOsls(
  args: string[],
  stdio: 'inherit' | 'pipe' = 'inherit',
  timeoutMs?: number,
): void {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' };
  for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    delete env[name];
  }
  const options = args.includes('--stage') ? args : ['--stage', 'ci', ...args];
  // osls empties .serverless whenever it packages, even into another directory: keep what a
  // previous `npm run package` left there when the artifacts go elsewhere.
  const elsewhere = options.includes('--package');
  const kept = `${serverlessDir}.kept-${process.pid}`;
  if (elsewhere && existsSync(serverlessDir)) renameSync(serverlessDir, kept);
  try {
    log(`osls package ${options.join(' ')} (offline, no credentials)`);
    const result = spawnSync(join(projectRoot, 'node_modules', '.bin', 'osls'), ['package', ...options], {
      cwd: projectRoot,
      env,
      stdio,
      encoding: 'utf8',
      ...(timeoutMs ? { timeout: timeoutMs, killSignal: 'SIGKILL' as const } : {}),
    });
    if (result.status !== 0) {
      const output = stdio === 'pipe' ? `\n${result.stdout}${result.stderr}` : '';
      throw new Error(`osls package failed (exit ${result.status ?? result.signal})${output}`);
    }
  } finally {
    if (elsewhere && existsSync(kept)) {
      rmSync(serverlessDir, { recursive: true, force: true });
      renameSync(kept, serverlessDir);
    }
  }
}

/** A cfn-lint already installed (the pinned one in .venv first), without installing anything. */
function findCfnLint(): string | undefined {
  return existsSync(venvCfnLint) ? venvCfnLint : onPath('cfn-lint');
}

/** Runs a command for its output; undefined when it fails. */
function outputOf(executable: string, args: string[]): string | undefined {
  try {
    return execFileSync(executable, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/**
 * The index `pip install` uses: PIP_INDEX_URL, else pip's configuration (its `install` section
 * before `global`), else pip's built-in default, asked of pip rather than written here.
 */
function pipIndexUrl(python: string): string | undefined {
  if (process.env.PIP_INDEX_URL) return process.env.PIP_INDEX_URL;
  const config = outputOf(python, ['-m', 'pip', 'config', 'list']) ?? '';
  for (const section of ['install', 'global']) {
    const configured = new RegExp(`^${section}\\.index-url='(.+)'$`, 'm').exec(config)?.[1];
    if (configured) return configured;
  }
  return outputOf(python, [
    '-c',
    'from pip._internal.models.index import PyPI; print(PyPI.simple_url)',
  ])?.trim();
}

/**
 * Whether anything answers at the index URL (any HTTP status, or a TLS failure: the host was
 * reached). Python's urllib makes the request, so that it goes through the same proxy variables
 * (HTTPS_PROXY, NO_PROXY) as pip. Exit 0: reached; 2: not reached, with the reason on stdout.
 */
const probeIndex = `
import ssl, sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(urllib.request.Request(sys.argv[1], method="HEAD"), timeout=10)
except urllib.error.HTTPError:
    pass
except OSError as error:
    reason = getattr(error, "reason", error)
    if not isinstance(reason, ssl.SSLError):
        print(reason)
        sys.exit(2)
`;

/** Why the index cannot be reached, or undefined when it can. Throws when it cannot tell. */
function indexUnreachable(python: string, index: string): string | undefined {
  const probe = spawnSync(python, ['-c', probeIndex, index], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status === 0) return undefined;
  if (probe.status === 2) return probe.stdout.trim() || 'no answer';
  throw new Error(`could not check whether ${index} can be reached: ${probe.stderr.trim() || probe.error}`);
}

/** A URL without the credentials it may carry, for probing and logging. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url;
  }
}

/**
 * The pinned cfn-lint in `.venv`, installing it when needed. When the install fails because pip's
 * index cannot be reached: a cfn-lint already installed, or undefined (the caller says it skipped).
 * Any other failure throws, with what to do: packaging must not pass unlinted because of it.
 */
export function resolveCfnLint(): string | undefined {
  if (existsSync(venvCfnLint) && versionOf(venvCfnLint) === CFN_LINT_VERSION) return venvCfnLint;
  const python = onPath('python3') ?? onPath('python');
  if (!python) {
    throw new Error(
      `cannot install cfn-lint==${CFN_LINT_VERSION}: no python3 on the PATH. Install Python 3 ` +
        '(with venv and pip) and run npm run package again.',
    );
  }
  try {
    log(`installing cfn-lint==${CFN_LINT_VERSION} into ${relative(projectRoot, venvDir)}`);
    if (!existsSync(venvPython)) execFileSync(python, ['-m', 'venv', venvDir], { stdio: 'inherit' });
    execFileSync(
      venvPython,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `cfn-lint==${CFN_LINT_VERSION}`],
      { stdio: 'inherit', timeout: 300_000 },
    );
  } catch (error) {
    const failure = (error as Error).message.split('\n')[0];
    const pip = existsSync(venvPython) ? venvPython : python;
    const configured = pipIndexUrl(pip);
    if (!configured) {
      throw new Error(`could not install cfn-lint (${failure}), nor find which index pip uses`, {
        cause: error,
      });
    }
    const index = withoutCredentials(configured);
    const unreachable = indexUnreachable(python, index);
    if (unreachable === undefined) {
      throw new Error(
        `could not install cfn-lint==${CFN_LINT_VERSION} although pip's index ${index} can be reached ` +
          `(${failure}; pip's output is above). Fix the cause, or delete ${relative(projectRoot, venvDir)} ` +
          'to start it afresh, and run npm run package again.',
        { cause: error },
      );
    }
    log(`pip's index ${index} cannot be reached (${unreachable})`);
    const fallback = findCfnLint();
    if (fallback) {
      log(`using ${fallback} (cfn-lint ${versionOf(fallback) ?? '?'}), not the pinned ${CFN_LINT_VERSION}`);
    }
    return fallback;
  }
  const installed = versionOf(venvCfnLint);
  if (installed !== CFN_LINT_VERSION) {
    throw new Error(
      `pip installed cfn-lint ${installed ?? '(none)'} into ${venvDir}, not ${CFN_LINT_VERSION}`,
    );
  }
  return venvCfnLint;
}

/** cfn-lint's exit code is a bit field: 2 errors, 4 warnings, 8 informational; 1 a fatal failure. */
export function lint(cfnLint: string, files: string[], ignored: string[]): boolean {
  const args = [...(ignored.length ? ['--ignore-checks', ...ignored] : []), '--', ...files];
  log(`cfn-lint ${args.map((a) => (a.startsWith('/') ? relative(projectRoot, a) : a)).join(' ')}`);
  const result = spawnSync(cfnLint, args, { cwd: projectRoot, stdio: 'inherit' });
  const code = result.status ?? 1;
  if (code & 4) log('cfn-lint reported warnings (above); they do not fail the package');
  return (code & 3) === 0;
}

function bundleSizes(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.zip'))
    .sort()
    .map((f) => `${f.padEnd(22)} ${(statSync(join(dir, f)).size / 1024).toFixed(0).padStart(6)} KiB zipped`);
}

function main(args: string[]): number {
  packageWithOsls(args);
  const at = args.indexOf('--package');
  const artifacts = at >= 0 && args[at + 1] ? resolve(args[at + 1]!) : serverlessDir;
  const packaged = join(artifacts, 'cloudformation-template-update-stack.json');
  const template = readTemplate(packaged);
  const resolvedCopy = join(artifacts, 'cloudformation-template-resolved-definitions.json');
  writeFileSync(resolvedCopy, JSON.stringify(withResolvedDefinitions(template), null, 2));

  let ok = true;
  let cfnLint: string | undefined;
  try {
    cfnLint = resolveCfnLint();
    if (!cfnLint) {
      log(
        "SKIPPED cfn-lint: pip's index cannot be reached and no cfn-lint is installed. Install it " +
          `(pip install "cfn-lint==${CFN_LINT_VERSION}") and run npm run package again before deploying.`,
      );
    }
  } catch (error) {
    log(`FAILED cfn-lint: ${(error as Error).message}`);
    ok = false;
  }
  if (cfnLint) {
    ok = lint(cfnLint, [packaged, memberRoleTemplate], ignoredOnPackagedTemplate) && ok;
    ok = lint(cfnLint, [resolvedCopy], ignoredOnResolvedCopy) && ok;
    if (ok) log('cfn-lint: no errors');
  }

  const problems = checkTemplate(template);
  if (problems.length > 0) {
    log(`structural checks: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
    ok = false;
  } else {
    log(
      'structural checks: state machine, table, topic, notifier, schedule, alarms, roles, buckets ' +
        "(estatescan's own S3 rules), deployed configuration and metric dimensions as required",
    );
  }
  log(`bundles:\n  ${bundleSizes(artifacts).join('\n  ')}`);
  return ok ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    log((error as Error).message);
    process.exitCode = 1;
  }
}
