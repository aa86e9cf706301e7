/**
 * summarize: the state machine's last step, `{ runId, startedAt, targetCount }` → reads the run's
 * outcome from the store (the plan's item and every target's item, failures the map caught
 * included), records the run's summary, publishes its metrics, returns its digest.
 */
import { type Dependencies, lambdaDependencies } from '../src/lambda/dependencies.ts';
import { parseEvent, summarizeEventSchema } from '../src/lambda/events.ts';
import { wrap } from '../src/lambda/middleware.ts';
import { summarizeRunStep } from '../src/lambda/steps.ts';

export function createHandler(dependencies: () => Dependencies = lambdaDependencies) {
  return wrap(
    async (event: unknown) => {
      const input = parseEvent(summarizeEventSchema, event, 'summarize');
      return summarizeRunStep(input, dependencies());
    },
    { name: 'summarize' },
  );
}

export const handler = createHandler();
