/**
 * The compliance controls a rule maps to, read from its references (`securityHub: 'S3.8, S3.1'`,
 * `cis: 'CIS AWS Foundations Benchmark v3.0.0 5.2, 5.3'`) into one shape every format writes: a
 * standard and its control ids.
 */
import type { RuleMetadata } from './types.ts';

export interface ComplianceReference {
  /** `AWS Security Hub`, or the CIS benchmark with its version. */
  standard: string;
  /** Control ids within the standard, e.g. `EC2.19`, `5.2`. */
  controls: string[];
}

export const SECURITY_HUB_STANDARD = 'AWS Security Hub';

const splitIds = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `CIS AWS Foundations Benchmark v3.0.0 5.2, 5.3` → the benchmark and `['5.2', '5.3']`. */
function cisReference(text: string): ComplianceReference {
  const match = /^(.*?)\s+(\d+(?:\.\d+)*(?:\s*,\s*\d+(?:\.\d+)*)*)$/.exec(text.trim());
  if (!match) return { standard: text.trim(), controls: [] };
  return { standard: match[1] as string, controls: splitIds(match[2] as string) };
}

export function complianceOf(references: RuleMetadata['references'] | undefined): ComplianceReference[] {
  const out: ComplianceReference[] = [];
  if (references?.securityHub) {
    out.push({ standard: SECURITY_HUB_STANDARD, controls: splitIds(references.securityHub) });
  }
  if (references?.cis) out.push(cisReference(references.cis));
  return out;
}

/** `AWS Security Hub EC2.19`, `CIS AWS Foundations Benchmark v3.0.0 5.2`: one line per control. */
export function complianceRequirements(references: RuleMetadata['references'] | undefined): string[] {
  return complianceOf(references).flatMap((r) =>
    r.controls.length ? r.controls.map((c) => `${r.standard} ${c}`) : [r.standard],
  );
}
