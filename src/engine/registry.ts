/** Selecting rules by id: unknown ids are a usage error listing every one of them. */
import { UsageError } from '../errors.ts';
import type { Rule } from './types.ts';

export interface RuleSelection {
  /** Only these rules (all when absent). */
  enabled?: readonly string[];
  /** Never these. */
  disabled?: readonly string[];
}

export function selectRules(all: readonly Rule[], selection: RuleSelection): Rule[] {
  const known = new Set(all.map((r) => r.id));
  const unknown = [...(selection.enabled ?? []), ...(selection.disabled ?? [])].filter(
    (id) => !known.has(id),
  );
  if (unknown.length) {
    const problems = [...new Set(unknown)].map((id) => `unknown rule id "${id}"`);
    throw new UsageError(`${problems.join('; ')}. Run 'estatescan rules' to list the rule ids.`, problems);
  }
  const enabled = selection.enabled?.length ? new Set(selection.enabled) : undefined;
  const disabled = new Set(selection.disabled ?? []);
  return all.filter((r) => (!enabled || enabled.has(r.id)) && !disabled.has(r.id));
}
