/**
 * Every metric the functions publish carries the deployment's stage (`STAGE`) as a dimension, next
 * to the service: two stages in one account never share a series, and the alarms name both
 * (serverless.yml; scripts/check-template.ts checks them).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureOutput, lambdaContext } from '../../support/lambda.ts';

interface EmfLine {
  _aws: {
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>;
  };
  [key: string]: unknown;
}

describe('metrics dimensioned by stage', () => {
  afterEach(() => {
    delete process.env.STAGE;
    vi.resetModules();
  });

  it('publishes every metric of an invocation with the service and the stage as its dimensions', async () => {
    // Prepare: the environment serverless.yml gives every function, read when the module loads
    vi.resetModules();
    process.env.STAGE = 'ci';
    const { createHandler } = await import('../../../functions/notify.ts');
    const { InMemoryNotifier } = await import('../../../src/alerts/notifier.ts');
    const handler = createHandler(() => ({ notifier: () => new InMemoryNotifier() }));

    // Act
    const output = captureOutput();
    try {
      await handler({ Records: [] }, lambdaContext('estatescan-ci-notify'));
    } finally {
      output.restore();
    }

    // Assess
    const emf = output
      .lines()
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as EmfLine);
    const published = emf.filter((e) =>
      e._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === 'MessagesPublished'),
    );
    expect(published).toHaveLength(1);
    const [line] = published;
    expect(line?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Estatescan',
      Dimensions: [expect.arrayContaining(['service', 'stage'])],
    });
    expect(line?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toHaveLength(2);
    expect(line).toMatchObject({ service: 'estatescan', stage: 'ci', MessagesPublished: 0 });
  });
});
