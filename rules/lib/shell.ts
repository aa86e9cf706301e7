/**
 * Remediation commands name resources that member accounts named. AWS's naming rules keep shell
 * characters out of most of them today, but a command a person pastes into a terminal must not rely on
 * that: every value goes in as exactly one shell word.
 */

/** Characters that never need quoting in a POSIX shell word. */
const plainWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `value` as one POSIX shell word: as it is when it is plain, else in single quotes. */
export function shellWord(value: string | number): string {
  const text = String(value);
  if (plainWord.test(text)) return text;
  // Inside single quotes nothing is special but the quote itself, which closes, escapes and reopens.
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command line whose every interpolated value is one shell word:
 * ``sh`aws s3api put-bucket-versioning --bucket ${name}` ``.
 */
export function sh(strings: TemplateStringsArray, ...values: readonly (string | number)[]): string {
  return strings.reduce(
    (line, part, i) => line + part + (i < values.length ? shellWord(values[i]!) : ''),
    '',
  );
}
