/**
 * plan: the state machine's first step (input `{}` from the schedule, or the on-demand function's
 * `{ runId, accounts, regions, rules }`) → `{ runId, startedAt, rules, targetCount, planErrorCount,
 * ttl, targetsBucket, targetsKey }`. The targets go to the runs bucket (`RUNS_BUCKET`) as one JSON
 * array the Distributed Map reads; the plan errors go to the store. Without `RUNS_BUCKET` the
 * targets come back in the result (`targets`), for in-process use.
 */
import { allRules } from '../rules/index.ts';
import { type Dependencies, lambdaDependencies } from '../src/lambda/dependencies.ts';
import { parseEvent, planEventSchema } from '../src/lambda/events.ts';
import { wrap } from '../src/lambda/middleware.ts';
import { type RunsBucket, runsBucketOf } from '../src/lambda/runs-bucket.ts';
import { planRun } from '../src/lambda/steps.ts';

const ruleIds = allRules.map((r) => r.id);

export function createHandler(
  dependencies: () => Dependencies = lambdaDependencies,
  runsBucket: (deps: Dependencies) => RunsBucket | undefined = runsBucketOf,
) {
  return wrap(
    async (event: unknown) => {
      const input = parseEvent(planEventSchema(ruleIds), event, 'plan', { knownRuleIds: ruleIds });
      const deps = dependencies();
      return planRun(input, deps, allRules, runsBucket(deps));
    },
    { name: 'plan' },
  );
}

export const handler = createHandler();
