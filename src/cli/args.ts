/**
 * Flag parsing every command shares, kept apart from the target options (options.ts, which
 * validate with the settings schema) so that `estatescan rules` and every `--help` load no schema
 * library.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.ts';

export function parseCommandArgs<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(
  args: string[],
  spec: T,
) {
  try {
    return parseArgs({ args, options: spec, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Run with --help for the options.`);
  }
}

/** `a, b,,c` → `['a', 'b', 'c']`; `undefined` stays `undefined`. */
export function commaList(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The values of a comma-list flag that are not among `known`, as problems for a `UsageError`
 * (`--severity: unknown severity "hihg" (one of critical, high, medium, low, info)`).
 */
export function unknownValues(
  flag: string,
  values: readonly string[],
  known: readonly string[],
  what: string,
): string[] {
  return [...new Set(values)]
    .filter((v) => !known.includes(v))
    .map((v) => `${flag}: unknown ${what} "${v}" (one of ${known.join(', ')})`);
}
