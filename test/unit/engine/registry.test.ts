import { describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { selectRules } from '../../../src/engine/registry.ts';
import { UsageError } from '../../../src/errors.ts';

describe('selectRules', () => {
  it('selects every rule by default, and honours enabled and disabled lists', () => {
    const [first, second] = allRules;
    expect(selectRules(allRules, {})).toHaveLength(allRules.length);
    expect(selectRules(allRules, { enabled: [first!.id] }).map((r) => r.id)).toEqual([first!.id]);
    if (second) expect(selectRules(allRules, { disabled: [second.id] })).toHaveLength(allRules.length - 1);
  });

  it('rejects unknown rule ids, listing every one', () => {
    let error: unknown;
    try {
      selectRules(allRules, { enabled: ['nope-one'], disabled: ['nope-two', 'nope-one'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).problems).toEqual([
      'unknown rule id "nope-one"',
      'unknown rule id "nope-two"',
    ]);
  });
});
