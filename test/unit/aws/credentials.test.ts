import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AssumeRoleSettings,
  CredentialBroker,
  defaultAssumeRoleSettings,
  roleArn,
  sessionName,
} from '../../../src/aws/credentials.ts';
import { AssumeRoleError } from '../../../src/aws/errors.ts';

const CALLER = '123456789012';
const MEMBER = '111111111111';
const OTHER_MEMBER = '222222222222';
const ISSUED_AT = Date.parse('2025-06-01T12:00:00.000Z');
const ONE_HOUR = 3_600_000;
const FIVE_MINUTES = 300_000;

const stsMock = mockClient(STSClient);

/** An AssumeRole answer whose credentials expire `lifetimeMs` after ISSUED_AT; keys count calls. */
function assumeRoleAnswer(serial: number, lifetimeMs = ONE_HOUR) {
  return {
    Credentials: {
      AccessKeyId: `ASIAEXAMPLE00000000${serial}`,
      SecretAccessKey: `secret-${serial}`,
      SessionToken: `token-${serial}`,
      Expiration: new Date(ISSUED_AT + lifetimeMs),
    },
  };
}

function makeBroker(settings: Partial<AssumeRoleSettings> = {}, now: () => number = () => ISSUED_AT) {
  return new CredentialBroker(
    new STSClient({ region: 'us-east-1' }),
    CALLER,
    { ...defaultAssumeRoleSettings, ...settings },
    now,
  );
}

describe('roleArn and sessionName', () => {
  it('builds the role ARN in the configured partition', () => {
    // Act
    const arns = [
      roleArn(MEMBER, { roleName: 'EstatescanReadOnly', partition: 'aws' }),
      roleArn(MEMBER, { roleName: 'Scanner', partition: 'aws-us-gov' }),
    ];

    // Assess
    expect(arns).toEqual([
      'arn:aws:iam::111111111111:role/EstatescanReadOnly',
      'arn:aws-us-gov:iam::111111111111:role/Scanner',
    ]);
  });

  it('replaces characters a session name cannot hold and cuts it to 64 characters', () => {
    // Prepare
    const raw = `estatescan run/2025 06:01 #${'x'.repeat(80)}`;

    // Act
    const name = sessionName(raw);

    // Assess
    expect(name).toHaveLength(64);
    expect(name.startsWith('estatescan-run-2025-06-01--')).toBe(true);
    expect(name).toMatch(/^[\w+=,.@-]+$/);
    expect(sessionName('estatescan+ci=main,job@host.example-1')).toBe(
      'estatescan+ci=main,job@host.example-1',
    );
  });
});

describe('CredentialBroker', () => {
  afterEach(() => {
    stsMock.reset();
  });

  it("uses the default chain for the caller's own account and makes no call", async () => {
    // Prepare
    const broker = makeBroker();

    // Act
    const provider = broker.forAccount(CALLER);

    // Assess
    expect(provider).toBeUndefined();
    expect(stsMock.calls()).toHaveLength(0);
  });

  it("assumes the role in the caller's own account when told to", async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves(assumeRoleAnswer(1));
    const broker = makeBroker({ assumeRoleInCallerAccount: true });

    // Act
    const credentials = await broker.forAccount(CALLER)?.();

    // Assess
    expect(credentials?.accessKeyId).toBe('ASIAEXAMPLE000000001');
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input.RoleArn).toBe(
      'arn:aws:iam::123456789012:role/EstatescanReadOnly',
    );
  });

  it('assumes the named role in a member account with a sanitized session name and no external id', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves(assumeRoleAnswer(1));
    const broker = makeBroker({
      roleName: 'AuditRead',
      sessionName: 'estatescan run 2025-06-01T12:00',
      durationSeconds: 900,
    });

    // Act
    const credentials = await broker.forAccount(MEMBER)?.();

    // Assess
    const calls = stsMock.commandCalls(AssumeRoleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::111111111111:role/AuditRead',
      RoleSessionName: 'estatescan-run-2025-06-01T12-00',
      DurationSeconds: 900,
    });
    expect(credentials).toEqual({
      accessKeyId: 'ASIAEXAMPLE000000001',
      secretAccessKey: 'secret-1',
      sessionToken: 'token-1',
      expiration: new Date(ISSUED_AT + ONE_HOUR),
      accountId: MEMBER,
    });
  });

  it('passes the external id when one is set', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves(assumeRoleAnswer(1));
    const broker = makeBroker({ externalId: 'estatescan-7f3a' });

    // Act
    await broker.forAccount(MEMBER)?.();

    // Assess
    expect(stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input.ExternalId).toBe('estatescan-7f3a');
  });

  it('reuses the credentials and the provider while they are fresh', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolvesOnce(assumeRoleAnswer(1)).resolves(assumeRoleAnswer(2));
    const broker = makeBroker();

    // Act
    const first = await broker.forAccount(MEMBER)?.();
    const second = await broker.forAccount(MEMBER)?.();

    // Assess
    expect(broker.forAccount(MEMBER)).toBe(broker.forAccount(MEMBER));
    expect(second).toBe(first);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('keeps one set of credentials per account', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolvesOnce(assumeRoleAnswer(1)).resolves(assumeRoleAnswer(2));
    const broker = makeBroker();

    // Act
    const member = await broker.forAccount(MEMBER)?.();
    const other = await broker.forAccount(OTHER_MEMBER)?.();

    // Assess
    expect(member?.accountId).toBe(MEMBER);
    expect(other?.accountId).toBe(OTHER_MEMBER);
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      'arn:aws:iam::111111111111:role/EstatescanReadOnly',
      'arn:aws:iam::222222222222:role/EstatescanReadOnly',
    ]);
  });

  it('assumes the role again once the credentials are within the refresh margin of expiry', async () => {
    // Prepare
    stsMock
      .on(AssumeRoleCommand)
      .resolvesOnce(assumeRoleAnswer(1))
      .resolves(assumeRoleAnswer(2, 2 * ONE_HOUR));
    let now = ISSUED_AT;
    const broker = makeBroker({ refreshMarginMs: FIVE_MINUTES }, () => now);
    const provider = broker.forAccount(MEMBER)!;
    await provider();

    // Act
    now = ISSUED_AT + ONE_HOUR - FIVE_MINUTES - 1;
    const justBeforeMargin = await provider();
    now = ISSUED_AT + ONE_HOUR - FIVE_MINUTES;
    const atMargin = await provider();

    // Assess
    expect(justBeforeMargin.accessKeyId).toBe('ASIAEXAMPLE000000001');
    expect(atMargin.accessKeyId).toBe('ASIAEXAMPLE000000002');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('keeps credentials without an expiration', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE000000009', SecretAccessKey: 's', SessionToken: 't' } as never,
    });
    let now = ISSUED_AT;
    const broker = makeBroker({}, () => now);
    const provider = broker.forAccount(MEMBER)!;
    await provider();

    // Act
    now = ISSUED_AT + 24 * ONE_HOUR;
    await provider();

    // Assess
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('shares one AssumeRole between concurrent calls for the same account', async () => {
    // Prepare
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    stsMock.on(AssumeRoleCommand).callsFake(async () => {
      await gate;
      return assumeRoleAnswer(1);
    });
    const broker = makeBroker();

    // Act
    const pending = [
      broker.forAccount(MEMBER)!(),
      broker.forAccount(MEMBER)!(),
      broker.forAccount(MEMBER)!(),
    ];
    release();
    const results = await Promise.all(pending);

    // Assess
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(results.map((c) => c.accessKeyId)).toEqual(Array(3).fill('ASIAEXAMPLE000000001'));
  });

  it('turns a denied AssumeRole into an AssumeRoleError with the account, role and code', async () => {
    // Prepare
    const denied = new STSServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: `User: arn:aws:iam::${CALLER}:user/ci is not authorized to perform: sts:AssumeRole`,
    });
    stsMock.on(AssumeRoleCommand).rejects(denied);
    const broker = makeBroker();

    // Act
    const error = await broker.forAccount(MEMBER)!().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AssumeRoleError);
    expect(error).toMatchObject({
      name: 'AssumeRoleError',
      accountId: MEMBER,
      roleArn: 'arn:aws:iam::111111111111:role/EstatescanReadOnly',
      code: 'AccessDenied',
      cause: denied,
    });
  });

  it('tries again on the next call after a failure', async () => {
    // Prepare
    stsMock
      .on(AssumeRoleCommand)
      .rejectsOnce(
        new STSServiceException({
          name: 'Throttling',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'Rate exceeded',
        }),
      )
      .resolves(assumeRoleAnswer(1));
    const provider = makeBroker().forAccount(MEMBER)!;
    await expect(provider()).rejects.toMatchObject({ code: 'Throttling' });

    // Act
    const credentials = await provider();

    // Assess
    expect(credentials.accessKeyId).toBe('ASIAEXAMPLE000000001');
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('fails when AssumeRole answers without credentials', async () => {
    // Prepare
    stsMock.on(AssumeRoleCommand).resolves({});
    const provider = makeBroker().forAccount(MEMBER)!;

    // Act
    const error = await provider().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AssumeRoleError);
    expect((error as AssumeRoleError).cause).toEqual(new Error('AssumeRole returned no credentials'));
  });
});
