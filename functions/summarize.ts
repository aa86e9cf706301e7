/**
 * summarize: the state machine's last step, `{ runId, startedAt, targetCount }` → reads the run's
 * outcome from the store (the plan's item and every target's item, failures the map caught
 * included), records the run's summary, publishes its metrics, announces (through the store) the
 * targets that started or stopped failing, and returns its digest.
 */
import { parseEvent, summarizeEventSchema } from '../src/lambda/events.ts';
import { wrap } from '../src/lambda/middleware.ts';
import { summarizeRunStep } from '../src/lambda/summarize-run.ts';
import { lambdaSummarizeDependencies, type SummarizeDependencies } from '../src/lambda/wiring/summarize.ts';

export function createHandler(dependencies: () => SummarizeDependencies = lambdaSummarizeDependencies) {
  return wrap(
    async (event: unknown) => {
      const input = parseEvent(summarizeEventSchema, event, 'summarize');
      return summarizeRunStep(input, dependencies());
    },
    { name: 'summarize' },
  );
}

export const handler = createHandler();
