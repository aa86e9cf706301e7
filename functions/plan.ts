/**
 * plan: the state machine's first step (input `{}` from the schedule, or the on-demand function's
 * `{ runId, accounts, regions, rules }`) → `{ runId, startedAt, rules, targetCount, planErrorCount,
 * configVersion, ttl, targetsBucket, targetsKey }`. The targets go to the runs bucket (`RUNS_BUCKET`) as one JSON
 * array the Distributed Map reads; the plan errors go to the store. Without `RUNS_BUCKET` the
 * targets come back in the result (`targets`), for in-process use.
 */
import { allRules } from '../rules/index.ts';
import { parseEvent, planEventSchema } from '../src/lambda/events.ts';
import { wrap } from '../src/lambda/middleware.ts';
import { planRun } from '../src/lambda/plan-run.ts';
import { lambdaPlanDependencies, type PlanDependencies } from '../src/lambda/wiring/plan.ts';

const ruleIds = allRules.map((r) => r.id);

export function createHandler(dependencies: () => PlanDependencies = lambdaPlanDependencies) {
  return wrap(
    async (event: unknown) => {
      const input = parseEvent(planEventSchema(ruleIds), event, 'plan', { knownRuleIds: ruleIds });
      return planRun(input, dependencies(), allRules);
    },
    { name: 'plan' },
  );
}

export const handler = createHandler();
