/**
 * What the CLI reads from the process environment and its terminal, once, at start. Part of the
 * configuration module (environment.ts re-exports it), in a file of its own with no schema
 * library, so `estatescan --help` loads nothing it does not print.
 */

export interface Environment {
  /** `AWS_ENDPOINT_URL`: one endpoint for every service, e.g. an emulator. */
  endpoint?: string;
  /** `AWS_REGION` or `AWS_DEFAULT_REGION`. */
  region?: string;
  /** Whether stderr is a terminal (progress display). */
  interactive: boolean;
  /**
   * How many columns a table on stdout should fit: the terminal's width, else `COLUMNS`, else 100.
   * Unset (tests, programs calling `main`): tables are printed whole.
   */
  columns?: number;
  /** Whether stdout takes colour: a terminal, `NO_COLOR` unset; `FORCE_COLOR` decides first. */
  color?: boolean;
}

/** The width tables fit when stdout is not a terminal and `COLUMNS` is not set. */
export const DEFAULT_COLUMNS = 100;

/** What the CLI needs to know about a stream: whether it is a terminal, and how wide. */
export interface TerminalStream {
  isTTY?: boolean;
  columns?: number;
}

/** The width to fit: the terminal's, else `COLUMNS` (a positive whole number), else 100. */
export function terminalColumns(stdout: TerminalStream, env: NodeJS.ProcessEnv): number {
  if (stdout.isTTY && stdout.columns && stdout.columns > 0) return stdout.columns;
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : DEFAULT_COLUMNS;
}

/**
 * Whether to colour stdout, by the conventions most command-line tools follow (and Node's own):
 * `FORCE_COLOR` set decides (`0` or `false` off, anything else on, even into a pipe); otherwise
 * `NO_COLOR` set to anything non-empty turns colour off (no-color.org); otherwise colour on a
 * terminal that is not `TERM=dumb`.
 */
export function colorEnabled(stdout: TerminalStream, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return Boolean(stdout.isTTY) && env.TERM !== 'dumb';
}

export function readEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  stdout: TerminalStream = process.stdout,
): Environment {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return {
    ...(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {}),
    ...(region ? { region } : {}),
    interactive: Boolean(process.stderr.isTTY) && env.CI !== 'true' && env.TERM !== 'dumb',
    columns: terminalColumns(stdout, env),
    color: colorEnabled(stdout, env),
  };
}

/**
 * The SDK warns on every Node 20 process that future versions need Node 22. estatescan runs on
 * nodejs22.x in Lambda; on a laptop with Node 20 the warning is noise on the CLI's stderr.
 */
export function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
