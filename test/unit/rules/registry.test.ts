import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../../rules/index.ts';
import { sourceIds } from '../../../src/inventory/types.ts';

const rulesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'rules');
const notRules = new Set(['lib', 'data']);

function ruleFiles(): { service: string; id: string }[] {
  return readdirSync(rulesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !notRules.has(d.name))
    .flatMap((d) =>
      readdirSync(join(rulesDir, d.name))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => ({ service: d.name, id: basename(f, '.ts') })),
    );
}

describe('the rule registry', () => {
  it('registers every rule file, under the id that is its file name and the service that is its folder', () => {
    // Prepare
    const files = ruleFiles();

    // Act
    const registered = allRules.map((r) => ({ service: r.service, id: r.id }));

    // Assess
    expect(files.length).toBeGreaterThan(0);
    expect(registered.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      files.sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('gives every rule complete metadata: title, risk, remediation, references and known sources', () => {
    for (const rule of allRules) {
      expect(rule.id, rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(rule.title.length, rule.id).toBeGreaterThan(10);
      expect(rule.description.length, rule.id).toBeGreaterThan(20);
      expect(rule.risk.length, rule.id).toBeGreaterThan(40);
      expect(rule.remediation.console.length, rule.id).toBeGreaterThan(0);
      expect(rule.references.docs.length, rule.id).toBeGreaterThan(0);
      expect(rule.requires.length, rule.id).toBeGreaterThan(0);
      for (const source of rule.requires) expect(sourceIds, rule.id).toContain(source);
    }
  });

  it('has every rule declare its scope, the resources it judges (the "of 40" in "3 of 40")', () => {
    for (const rule of allRules) expect(typeof rule.scope, rule.id).toBe('function');
  });

  it('has unique ids', () => {
    const ids = allRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
