/**
 * The only place that reads the process environment. Everything else gets these values passed in.
 */
export interface Environment {
  /** `AWS_ENDPOINT_URL`: one endpoint for every service, e.g. an emulator. */
  endpoint?: string;
  /** `AWS_REGION` or `AWS_DEFAULT_REGION`. */
  region?: string;
  /** Whether stderr is a terminal (progress display). */
  interactive: boolean;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return {
    ...(env.AWS_ENDPOINT_URL ? { endpoint: env.AWS_ENDPOINT_URL } : {}),
    ...(region ? { region } : {}),
    interactive: Boolean(process.stderr.isTTY) && env.CI !== 'true' && env.TERM !== 'dumb',
  };
}

/**
 * The SDK warns on every Node 20 process that future versions need Node 22. estatescan runs on
 * nodejs22.x in Lambda; on a laptop with Node 20 the warning is noise on the CLI's stderr.
 */
export function quietSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
