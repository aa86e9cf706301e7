import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readLambdaEnvironment } from '../../../src/config/environment.ts';
import { ConfigurationError } from '../../../src/config/errors.ts';
import { cachedExternalId, readExternalId } from '../../../src/lambda/external-id.ts';
import { createFunctionDependencies } from '../../support/function-dependencies.ts';

const PARAMETER = '/estatescan/ci/external-id';
const EXTERNAL_ID = '5f0c1e6f7a9b4d2c8e3a1b0c9d8e7f60';

const ssm = mockClient(SSMClient);
const sts = mockClient(STSClient);

const answer = (Value: string) => ({ Parameter: { Name: PARAMETER, Type: 'SecureString' as const, Value } });

describe('the external id from SSM', () => {
  beforeEach(() => {
    ssm.reset();
    sts.reset();
  });
  afterEach(() => vi.useRealTimers());

  it('is read decrypted from the SecureString', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves(answer(EXTERNAL_ID));

    // Act
    const value = await readExternalId(new SSMClient({ region: 'eu-west-1' }), PARAMETER);

    // Assess
    expect(value).toBe(EXTERNAL_ID);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: PARAMETER,
      WithDecryption: true,
    });
  });

  it.each([
    ['shorter than the member role accepts (16)', 'short-secret-15'],
    ['with a character the member role refuses', 'a space in it, 16+ characters'],
    ['empty', ''],
  ])('is refused when %s, without quoting it', async (_, value) => {
    // Prepare
    ssm.on(GetParameterCommand).resolves(answer(value));

    // Act
    const error = await readExternalId(new SSMClient({ region: 'eu-west-1' }), PARAMETER).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^SSM parameter \/estatescan\/ci\/external-id does not hold a valid external id: 16 to 1224/,
    );
    if (value) expect((error as Error).message).not.toContain(value);
  });

  it('says what to check when the parameter cannot be read, as a misconfiguration when retrying cannot help', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }))
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    const client = new SSMClient({ region: 'eu-west-1' });

    // Act
    const missing = (await readExternalId(client, PARAMETER).catch((e: unknown) => e)) as Error;
    const throttled = (await readExternalId(client, PARAMETER).catch((e: unknown) => e)) as Error;

    // Assess
    expect(missing.name).toBe('ConfigurationError');
    expect(missing.message).toContain(
      `Could not read the external id from SSM parameter ${PARAMETER} (ParameterNotFound)`,
    );
    expect(throttled.name).toBe('EstatescanError');
    expect(throttled.message).toContain('(ThrottlingException)');
  });

  it('is read again after five minutes, and after a failed read', async () => {
    // Prepare
    let now = 0;
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(answer(EXTERNAL_ID))
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves(answer(`${EXTERNAL_ID}-rotated`));
    const externalId = cachedExternalId(new SSMClient({ region: 'eu-west-1' }), PARAMETER, {
      now: () => now,
    });

    // Act
    const first = await externalId.get();
    now = 5 * 60_000 - 1;
    const cached = await externalId.get();
    now = 5 * 60_000;
    const failed = await externalId.get().catch((e: unknown) => (e as Error).name);
    const rotated = await externalId.get();

    // Assess
    expect([first, cached, failed, rotated]).toEqual([
      EXTERNAL_ID,
      EXTERNAL_ID,
      'EstatescanError',
      `${EXTERNAL_ID}-rotated`,
    ]);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(3);
  });

  it("reaches the scan session's AssumeRole settings when EXTERNAL_ID_PARAMETER names it", async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves(answer(EXTERNAL_ID));
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    const deps = createFunctionDependencies(
      readLambdaEnvironment({ AWS_REGION: 'eu-west-1', EXTERNAL_ID_PARAMETER: PARAMETER }),
    );

    // Act
    const first = await deps.openSession('run-1');
    const second = await deps.openSession('run-2');

    // Assess
    expect(first.settings.assumeRole.externalId).toBe(EXTERNAL_ID);
    expect(second.settings.assumeRole.externalId).toBe(EXTERNAL_ID);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    first.destroy();
    second.destroy();
  });

  it('is not read at all when no parameter is named', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
    const deps = createFunctionDependencies(readLambdaEnvironment({ AWS_REGION: 'eu-west-1' }));

    // Act
    const session = await deps.openSession('run-1');

    // Assess
    expect(session.settings.assumeRole.externalId).toBeUndefined();
    expect(ssm.calls()).toHaveLength(0);
    session.destroy();
  });
});
