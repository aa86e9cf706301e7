import { EstatescanError } from '../errors.ts';

/**
 * The deployment is misconfigured: an environment variable is missing or malformed. Retrying does
 * not help; the message names each variable and what it should hold.
 */
export class ConfigurationError extends EstatescanError {
  override name = 'ConfigurationError';
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
  }
}
