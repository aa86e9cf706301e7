import { describe, expect, it } from 'vitest';
import { organizationIdOf } from '../../../src/scan/account-names.ts';

describe('organizationIdOf', () => {
  it("reads the organization id from an account's ARN", () => {
    expect(organizationIdOf('arn:aws:organizations::111111111111:account/o-abc123defg/222222222222')).toBe(
      'o-abc123defg',
    );
    expect(organizationIdOf('arn:aws:iam::222222222222:root')).toBeUndefined();
    expect(organizationIdOf(undefined)).toBeUndefined();
  });
});
