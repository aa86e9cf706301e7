import { describe, expect, it } from 'vitest';
import { parseCommandArgs, targetOptionSpec, toRunOptions } from '../../../src/cli/options.ts';
import type { Environment } from '../../../src/config/environment.ts';
import { UsageError } from '../../../src/errors.ts';

const formats = ['table', 'csv', 'json'] as const;
const withRegion: Environment = { region: 'eu-west-1', interactive: false };
const noRegion: Environment = { interactive: false };

/** Runs `toRunOptions` and returns its UsageError, failing the test if it did not throw one. */
function usageErrorOf(values: Record<string, string | boolean | undefined>, env = withRegion): UsageError {
  try {
    toRunOptions(values, env, formats);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('toRunOptions accepted the options');
}

describe('toRunOptions', () => {
  it('turns valid flags into typed options, trimming list items', () => {
    // Prepare
    const values = {
      accounts: ' 111111111111 , 222222222222 ,',
      'exclude-accounts': '222222222222',
      regions: 'eu-west-1,us-east-1',
      'role-name': 'AuditRead',
      'external-id': 'estatescan-7f3a',
      'assume-role-in-caller-account': true,
      concurrency: '4',
      format: 'csv',
      output: 'inventory.csv',
      quiet: true,
    };

    // Act
    const options = toRunOptions(values, withRegion, formats);

    // Assess
    expect(options).toEqual({
      targets: {
        accounts: ['111111111111', '222222222222'],
        excludeAccounts: ['222222222222'],
        regions: ['eu-west-1', 'us-east-1'],
        roleName: 'AuditRead',
        externalId: 'estatescan-7f3a',
        assumeRoleInCallerAccount: true,
      },
      performance: { targetConcurrency: 4, itemConcurrency: 8, maxAttempts: 8, retryMode: 'adaptive' },
      region: 'eu-west-1',
      format: 'csv',
      formats: ['csv'],
      output: 'inventory.csv',
      quiet: true,
    });
  });

  it('defaults to the table format, the default role and the environment region', () => {
    // Act
    const options = toRunOptions({}, withRegion, formats);

    // Assess
    expect(options).toEqual({
      targets: { excludeAccounts: [], roleName: 'EstatescanReadOnly', assumeRoleInCallerAccount: false },
      performance: { targetConcurrency: 8, itemConcurrency: 8, maxAttempts: 8, retryMode: 'adaptive' },
      region: 'eu-west-1',
      format: 'table',
      formats: ['table'],
      quiet: false,
    });
  });

  it('takes several formats only where the command allows them, in order and without repeats', () => {
    // Act
    const several = toRunOptions({ format: 'json, csv,json' }, withRegion, formats, {}, true);
    const refused = usageErrorOf({ format: 'json,csv' });
    const unknown = (() => {
      try {
        toRunOptions({ format: 'json,xml' }, withRegion, formats, {}, true);
      } catch (error) {
        return error as UsageError;
      }
      throw new Error('accepted');
    })();

    // Assess
    expect(several).toMatchObject({ format: 'json', formats: ['json', 'csv'] });
    expect(refused.problems).toEqual(['--format: one format at a time (got "json,csv")']);
    expect(unknown.problems).toEqual(['--format: must be one of table, csv, json (got "json,xml")']);
  });

  it("accepts 'organization' for accounts and 'all' for regions", () => {
    // Act
    const options = toRunOptions({ accounts: 'organization', regions: 'all' }, withRegion, formats);

    // Assess
    expect(options.targets.accounts).toBe('organization');
    expect(options.targets.regions).toBe('all');
  });

  it('lists every problem at once', () => {
    // Act
    const error = usageErrorOf({
      accounts: '12345,111111111111',
      'exclude-accounts': 'abc',
      regions: 'eu-west-1,moon-base',
      format: 'xml',
      concurrency: 'many',
    });

    // Assess
    expect(error.problems).toEqual([
      '--accounts[1]: an account id is 12 digits',
      '--exclude-accounts[1]: an account id is 12 digits',
      '--regions[2]: a region looks like eu-west-1',
      expect.stringMatching(/^--concurrency: /),
      '--format: must be one of table, csv, json (got "xml")',
    ]);
    expect(error.message).toBe(`Invalid options:\n  ${error.problems.join('\n  ')}`);
  });

  it('rejects a concurrency that is not a whole number from 1 to 256', () => {
    // Act
    const problems = ['0', '2.5', '257'].map((concurrency) => usageErrorOf({ concurrency }).problems);

    // Assess
    for (const list of problems) {
      expect(list).toHaveLength(1);
      expect(list[0]).toMatch(/^--concurrency: /);
      expect(list[0]).not.toContain('targetConcurrency');
    }
  });

  it('asks for a region when neither the environment nor explicit regions give one', () => {
    // Act
    const none = usageErrorOf({}, noRegion);
    const all = usageErrorOf({ regions: 'all' }, noRegion);

    // Assess
    expect(none.problems).toEqual(['no region: set AWS_REGION or pass --regions']);
    expect(all.problems).toEqual(['no region: set AWS_REGION or pass --regions']);
  });

  it('takes the first explicit region as the home region when the environment has none', () => {
    // Act
    const options = toRunOptions({ regions: 'ap-southeast-2,eu-west-1' }, noRegion, formats);

    // Assess
    expect(options.region).toBe('ap-southeast-2');
  });
});

describe('parseCommandArgs', () => {
  it('parses known flags and turns an unknown one into a UsageError', () => {
    // Act
    const parsed = parseCommandArgs(['--accounts', '111111111111', '-q'], targetOptionSpec);
    const unknown = () => parseCommandArgs(['--acounts', '111111111111'], targetOptionSpec);

    // Assess
    expect(parsed.values).toEqual({ accounts: '111111111111', quiet: true });
    expect(unknown).toThrow(UsageError);
    expect(unknown).toThrow(/--acounts.*Run with --help/);
  });
});
