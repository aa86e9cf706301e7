/**
 * Wildcard matching in linear time, for patterns written by people we do not trust: IAM actions in a
 * member account's resource policies, and the resource patterns of suppressions matched against
 * resource ids and ARNs that member accounts choose.
 *
 * A pattern turned into a regular expression (`ecr:*` → `/^ecr:.*$/`) backtracks: `ecr:` followed by
 * a run of stars and a letter that does not match takes exponential time in V8 (14 stars took 44 s).
 * This matcher never backtracks more than to the last star seen, so a match costs at most
 * O(pattern × text) character comparisons, and runs of stars are collapsed first, so a star run costs
 * what one star costs.
 */

export interface WildcardOptions {
  /** Compare without regard to case (IAM actions are case-insensitive). Default: false. */
  ignoreCase?: boolean;
  /** Whether `?` stands for exactly one character (IAM) or for itself (suppressions). Default: true. */
  questionMark?: boolean;
  /**
   * The longest pattern matched, in characters; a longer one is `undefined` (cannot tell) so each
   * caller decides which way an unreadable pattern errs. Default: {@link MAX_WILDCARD_PATTERN}.
   */
  maxPattern?: number;
}

/**
 * The longest pattern matched by default. IAM resource policies are at most 20,480 characters (S3;
 * ECR allows 10,240), so an action pattern longer than this is not a real one.
 */
export const MAX_WILDCARD_PATTERN = 2048;

/** Collapses every run of `*` into one star: `a***b` and `a*b` match the same texts. */
function collapseStars(pattern: string): string {
  let out = '';
  for (const c of pattern) if (c !== '*' || !out.endsWith('*')) out += c;
  return out;
}

/**
 * Whether `text` matches `pattern`, where `*` stands for any run of characters (empty included) and,
 * unless `questionMark` is false, `?` for exactly one. `undefined` when the pattern is longer than
 * `maxPattern`. Characters are compared as UTF-16 code units, as IAM does.
 */
export function wildcardMatch(
  pattern: string,
  text: string,
  options: WildcardOptions = {},
): boolean | undefined {
  const { ignoreCase = false, questionMark = true, maxPattern = MAX_WILDCARD_PATTERN } = options;
  if (pattern.length > maxPattern) return undefined;
  const p = collapseStars(ignoreCase ? pattern.toLowerCase() : pattern);
  const t = ignoreCase ? text.toLowerCase() : text;
  // Two pointers; on a mismatch, go back to just after the last star and let it swallow one more
  // character of the text. Earlier stars never need revisiting: the last one can absorb any text an
  // earlier one could.
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    const pc = p[pi];
    if (pc !== undefined && pc !== '*' && (pc === t[ti] || (questionMark && pc === '?'))) {
      pi++;
      ti++;
    } else if (pc === '*') {
      star = pi++;
      resume = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}
