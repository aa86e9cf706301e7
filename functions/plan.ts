/**
 * plan: the state machine's first step (input `{}` from the schedule, or the on-demand function's
 * `{ runId, accounts, regions, rules }`) → `{ runId, startedAt, rules, targets, planErrors }`.
 */
import { allRules } from '../rules/index.ts';
import { type Dependencies, lambdaDependencies } from '../src/lambda/dependencies.ts';
import { parseEvent, planEventSchema } from '../src/lambda/events.ts';
import { wrap } from '../src/lambda/middleware.ts';
import { planRun } from '../src/lambda/steps.ts';

const ruleIds = allRules.map((r) => r.id);

export function createHandler(dependencies: () => Dependencies = lambdaDependencies) {
  return wrap(
    async (event: unknown) => {
      const input = parseEvent(planEventSchema(ruleIds), event, 'plan', { knownRuleIds: ruleIds });
      return planRun(input, dependencies(), allRules);
    },
    { name: 'plan' },
  );
}

export const handler = createHandler();
