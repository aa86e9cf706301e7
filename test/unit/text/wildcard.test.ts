import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WILDCARD_PATTERN, wildcardMatch } from '../../../src/text/wildcard.ts';

/** The backtracking translation this matcher replaces, as the reference on small inputs. */
function byRegExp(pattern: string, text: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(text);
}

describe('wildcardMatch', () => {
  it.each([
    ['', '', true],
    ['', 'a', false],
    ['*', '', true],
    ['***', 'anything', true],
    ['ecr:*', 'ecr:PutImage', true],
    ['ecr:*Layer*', 'ecr:GetDownloadUrlForLayer', true],
    ['ecr:?utImage', 'ecr:PutImage', true],
    ['a*b*c', 'abbbcbc', true],
    ['a*b*c', 'abbbcb', false],
    ['ecr:Batch*', 'ecr:PutImage', false],
  ])('%j matches %j: %s', (pattern, text, expected) => {
    expect(wildcardMatch(pattern, text)).toBe(expected);
  });

  it('compares case-insensitively only when asked', () => {
    expect(wildcardMatch('ECR:batch*', 'ecr:BatchGetImage', { ignoreCase: true })).toBe(true);
    expect(wildcardMatch('ECR:batch*', 'ecr:BatchGetImage')).toBe(false);
  });

  it('reads ? literally when told to', () => {
    expect(wildcardMatch('bucket?', 'bucketX', { questionMark: false })).toBe(false);
    expect(wildcardMatch('bucket?', 'bucket?', { questionMark: false })).toBe(true);
  });

  it('cannot tell for a pattern over the length cap', () => {
    expect(wildcardMatch('a'.repeat(MAX_WILDCARD_PATTERN + 1), 'a')).toBeUndefined();
    expect(wildcardMatch('*'.repeat(MAX_WILDCARD_PATTERN), 'a')).toBe(true);
  });

  it('agrees with the regular-expression reading on every small pattern and text', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', '*', '?', ':', '.');
    const word = (max: number) => fc.array(alphabet, { maxLength: max }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(word(8), word(10), fc.boolean(), (pattern, raw, ignoreCase) => {
        // The text has no wildcards of its own; `?` and `*` in it are plain characters.
        const text = raw.replace(/[*?]/g, 'b');
        expect(wildcardMatch(pattern, text, { ignoreCase })).toBe(byRegExp(pattern, text, ignoreCase));
      }),
      { numRuns: 2000 },
    );
  });

  it('finishes on the patterns that make a backtracking matcher take exponential time', () => {
    // Prepare: 14 stars took 44 s through a regular expression; 2,000 is far past "never finishes".
    const hostile = [
      `ecr:${'*'.repeat(2000)}x`,
      `ecr:${'*a'.repeat(1000)}x`,
      `${'a*'.repeat(1000)}b`,
      `*${'?*'.repeat(1000)}`,
    ];
    const text = `ecr:${'a'.repeat(500)}`;

    // Act
    const results = hostile.map((pattern) => wildcardMatch(pattern, text));

    // Assess
    expect(results).toEqual([false, false, false, false]);
  });
});
