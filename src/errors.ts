/** The base of every error estatescan raises on purpose; `name` always ends in `Error`. */
export class EstatescanError extends Error {
  override name = 'EstatescanError';
}

/** Bad input from a user: CLI flags, a configuration file, an invoke event. The CLI exits with 2. */
export class UsageError extends EstatescanError {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
  }
}
