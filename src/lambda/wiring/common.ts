/**
 * What every function's wiring shares: a few helpers and how its clients reach AWS. A leaf: it
 * imports no SDK client, so each function's wiring brings into its bundle only the clients that
 * function makes (notify: SNS; the Slack forwarder: SSM; …).
 *
 * The wiring modules are the only places that make clients for the functions. Each builds its
 * dependencies on first use and keeps them for the container's life (so warm invocations reuse
 * connections); tests replace any of them with `overrides`.
 */
import { type AwsClientSettings, clientConfig } from '../../aws/client-config.ts';
import type { LambdaEnvironment } from '../../config/environment.ts';
import { ConfigurationError } from '../../config/errors.ts';

/** A variable the function needs, or a `ConfigurationError` saying what to set it to. */
export function required<T>(value: T | undefined, variable: string, what: string): T {
  if (value === undefined || value === '') {
    throw new ConfigurationError(
      `${variable} is not set: set it to ${what} in the function's environment (serverless.yml).`,
    );
  }
  return value;
}

/** Builds on first call, then answers the same value. */
export function once<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

/** The home region: STS, Organizations, the table, the topic, the buckets and the state machine live there. */
export function homeRegion(env: LambdaEnvironment): () => string {
  return () => required(env.region, 'AWS_REGION', 'the region the functions run in');
}

export function awsSettings(env: LambdaEnvironment): AwsClientSettings {
  return {
    ...(env.endpoint ? { endpoint: env.endpoint } : {}),
    maxAttempts: env.performance.maxAttempts,
    retryMode: env.performance.retryMode,
  };
}

/** The configuration of a client of the function's own account, in the home region. */
export function homeClientConfig(env: LambdaEnvironment) {
  return clientConfig(homeRegion(env)(), undefined, awsSettings(env));
}
