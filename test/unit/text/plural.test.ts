import { describe, expect, it } from 'vitest';
import { plural } from '../../../src/text/plural.ts';

describe('plural', () => {
  it('uses the singular for one and the plural (given or with an s) otherwise', () => {
    // Act
    const words = [
      plural(0, 'finding'),
      plural(1, 'finding'),
      plural(2, 'host or cluster', 'hosts and clusters'),
    ];

    // Assess
    expect(words).toEqual(['0 findings', '1 finding', '2 hosts and clusters']);
  });
});
