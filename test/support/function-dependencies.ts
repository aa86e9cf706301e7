/**
 * Every function's dependencies in one object, for tests that chain the functions in one process:
 * each handler takes what its own wiring module declares (src/lambda/wiring/), and this object has
 * all of it, built once from one environment (one store, one clock), with `overrides` in place.
 */
import type { LambdaEnvironment } from '../../src/config/environment.ts';
import { createNotifyDependencies, type NotifyDependencies } from '../../src/lambda/wiring/notify.ts';
import { createPlanDependencies, type PlanDependencies } from '../../src/lambda/wiring/plan.ts';
import { createScanDependencies, type ScanDependencies } from '../../src/lambda/wiring/scan.ts';
import {
  createSlackForwarderDependencies,
  type SlackForwarderDependencies,
} from '../../src/lambda/wiring/slack-forwarder.ts';

export type FunctionDependencies = PlanDependencies &
  ScanDependencies &
  NotifyDependencies &
  SlackForwarderDependencies;

export function createFunctionDependencies(
  env: LambdaEnvironment,
  overrides: Partial<Omit<FunctionDependencies, 'env'>> = {},
): FunctionDependencies {
  return {
    ...createPlanDependencies(env),
    stepFunctions: createScanDependencies(env).stepFunctions,
    notifier: createNotifyDependencies(env).notifier,
    slackWebhookUrl: createSlackForwarderDependencies(env).slackWebhookUrl,
    ...overrides,
  };
}
