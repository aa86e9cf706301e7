/**
 * scan-target: one item of the Distributed Map, `{ runId, startedAt, rules, configVersion, ttl,
 * target }`: scans the target with the configuration version the run's plan chose, reconciles it, writes its outcome to the store (`RUN#<id>`/`TARGET#<account>#<region>`)
 * and returns a few numbers (`{ accountId, region, status, findings, changes, baseline, errorCount,
 * durationMs }`). The target's own AWS errors are in its outcome; it throws only when the function
 * itself cannot work (STS, the table), so the state machine retries, then records the failure.
 */
import { allRules } from '../rules/index.ts';
import { parseEvent, scanTargetEventSchema } from '../src/lambda/events.ts';
import { wrap } from '../src/lambda/middleware.ts';
import { scanOneTarget } from '../src/lambda/scan-one-target.ts';
import {
  lambdaScanTargetDependencies,
  type ScanTargetDependencies,
} from '../src/lambda/wiring/scan-target.ts';

const ruleIds = allRules.map((r) => r.id);

export function createHandler(dependencies: () => ScanTargetDependencies = lambdaScanTargetDependencies) {
  return wrap(
    async (event: unknown) => {
      const input = parseEvent(scanTargetEventSchema(ruleIds), event, 'scan-target', {
        knownRuleIds: ruleIds,
      });
      return scanOneTarget(input, dependencies(), allRules);
    },
    { name: 'scan-target' },
  );
}

export const handler = createHandler();
