/**
 * scan: the on-demand entry point, invoked from the Lambda console. `{}` scans what the deployment
 * is configured to scan; `{"accounts": [...], "regions": [...], "rules": [...], "notify": false,
 * "dryRun": true}` narrows it. A bad event is rejected with every problem listed, before anything
 * runs. Up to INLINE_TARGET_LIMIT targets are scanned inline and answered with the summary and the
 * findings; more start the state machine and are answered with its execution ARN.
 */
import { allRules } from '../rules/index.ts';
import { onDemandEventSchema, parseEvent } from '../src/lambda/events.ts';
import { wrap } from '../src/lambda/middleware.ts';
import { runOnDemand } from '../src/lambda/on-demand.ts';
import { lambdaScanDependencies, type ScanDependencies } from '../src/lambda/wiring/scan.ts';

const ruleIds = allRules.map((r) => r.id);

export function createHandler(dependencies: () => ScanDependencies = lambdaScanDependencies) {
  return wrap(
    async (event: unknown) => {
      const request = parseEvent(onDemandEventSchema(ruleIds), event, 'scan', { knownRuleIds: ruleIds });
      return runOnDemand(request, dependencies(), allRules);
    },
    { name: 'scan' },
  );
}

export const handler = createHandler();
