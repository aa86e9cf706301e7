import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sh, shellWord } from '../../../../rules/lib/shell.ts';

describe('shellWord', () => {
  it.each([
    ['my-bucket', 'my-bucket'],
    ['arn:aws:ecs:eu-west-1:111111111111:cluster/prod', 'arn:aws:ecs:eu-west-1:111111111111:cluster/prod'],
    [42, '42'],
    ['a b', "'a b'"],
    ['$(reboot)', "'$(reboot)'"],
    ["it's", "'it'\\''s'"],
    ['', "''"],
  ])('%j is %s', (value, expected) => {
    expect(shellWord(value)).toBe(expected);
  });

  it('reaches a real shell as exactly the value, one word, whatever the value holds', () => {
    // Prepare: any value but NUL, which no argument can hold.
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')),
        (value) => {
          // Act: the shell sets its arguments from the word and prints their count and the first.
          const echoed = execFileSync(
            '/bin/sh',
            ['-c', `set -- ${shellWord(value)}; printf '%s|%s' "$#" "$1"`],
            {
              encoding: 'utf8',
            },
          );

          // Assess
          expect(echoed).toBe(`1|${value}`);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('sh', () => {
  it('quotes every value and nothing else', () => {
    expect(sh`aws s3api put-bucket-versioning --bucket ${'a;rm -rf ~'} --region ${'eu-west-1'}`).toBe(
      "aws s3api put-bucket-versioning --bucket 'a;rm -rf ~' --region eu-west-1",
    );
  });
});
