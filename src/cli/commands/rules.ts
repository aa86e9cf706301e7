/**
 * `estatescan rules`: the rules with their metadata.
 */
import { allRules } from '../../../rules/index.ts';
import type { Environment } from '../../config/environment.ts';
import { complianceOf, SECURITY_HUB_STANDARD } from '../../engine/compliance.ts';
import type { Rule } from '../../engine/types.ts';
import { UsageError } from '../../errors.ts';
import { severityRank } from '../../findings/types.ts';
import { commaList, parseCommandArgs, unknownValues } from '../args.ts';
import type { CommandIo } from '../io.ts';
import { cutNote, fitTable, severityColors, type TableLayout, tableLayout } from '../table.ts';

const services = [...new Set(allRules.map((r) => r.service))].sort();

export const rulesHelp = `estatescan rules — list the rules

Usage: estatescan rules [--service <s,s>] [--format table|json] [--compliance] [--wide]

--service      only the rules of these services (${services.join(', ')})
--format json  every rule's full metadata: description, risk, remediation, references, sources
--compliance   the Security Hub and CIS controls, each with the rules that check it
--wide         the table with every cell whole (by default it fits the terminal's width)`;

/** One control and the rules mapped to it. */
export interface ControlRow {
  standard: string;
  control: string;
  rules: string[];
}

/** Every control the rules map to, by standard then control id (numerically: 5.10 after 5.9). */
export function complianceRows(rules: readonly Rule[]): ControlRow[] {
  const rows = new Map<string, ControlRow>();
  for (const rule of rules) {
    for (const ref of complianceOf(rule.references)) {
      for (const control of ref.controls.length ? ref.controls : ['']) {
        const key = `${ref.standard}\u0000${control}`;
        const row = rows.get(key) ?? { standard: ref.standard, control, rules: [] };
        row.rules.push(rule.id);
        rows.set(key, row);
      }
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      a.standard.localeCompare(b.standard) || a.control.localeCompare(b.control, 'en', { numeric: true }),
  );
}

function renderCompliance(rules: readonly Rule[], format: 'table' | 'json', layout: TableLayout): string {
  const rows = complianceRows(rules);
  const unmapped = rules.filter((r) => !complianceOf(r.references).length).map((r) => r.id);
  if (format === 'json') return `${JSON.stringify({ controls: rows, unmapped }, null, 2)}\n`;
  // One line per control and rule, so that no rule id is ever cut to fit.
  const lines = rows.flatMap((row) => row.rules.map((rule, i) => ({ ...row, rule, first: i === 0 })));
  const table = fitTable(
    lines,
    [
      { header: 'standard', value: (r) => (r.first ? r.standard : ''), kind: 'text', min: 16 },
      { header: 'control', value: (r) => (r.first ? r.control : '') },
      { header: 'rule', value: (r) => r.rule },
    ],
    layout,
  );
  const note = unmapped.length
    ? `\n\n${unmapped.length} rules map to no control: ${unmapped.join(', ')}.`
    : '';
  const cut = cutNote(layout, [table]);
  return `${table.text}${note}${cut ? `\n\n${cut}` : ''}\n`;
}

/**
 * A rule's controls, short enough for a table: `EC2.19 · CIS 5.2, 5.3` (Security Hub's, then CIS's:
 * the AWS Foundations benchmark unnamed, another one named, `CIS EKS 5.4.2`). `--compliance` and
 * `--format json` name every standard in full.
 */
export function shortControls(rule: Rule): string {
  return complianceOf(rule.references)
    .map(({ standard, controls }) => {
      const ids = controls.join(', ');
      if (standard === SECURITY_HUB_STANDARD) return ids;
      const benchmark = standard
        .replace(/^CIS\s+/, '')
        .replace(/\s*Benchmark\b.*$/, '')
        .replace(/\b(?:AWS|Amazon)\s+/g, '')
        .replace(/^Foundations$/, '');
      return ['CIS', benchmark, ids].filter(Boolean).join(' ');
    })
    .join(' · ');
}

/** The rules table: identifiers whole, titles and controls cut to fit. */
export function renderRulesTable(rules: readonly Rule[], layout: TableLayout = {}): string {
  const table = fitTable(
    rules,
    [
      { header: 'id', value: (r) => r.id },
      { header: 'severity', value: (r) => r.severity, color: (r) => severityColors[r.severity] },
      { header: 'service', value: (r) => r.service, optional: true },
      { header: 'controls', value: shortControls, kind: 'text', min: 12, optional: true },
      { header: 'title', value: (r) => r.title, kind: 'text', min: 28 },
    ],
    layout,
  );
  const cut = cutNote(layout, [table]);
  return `${table.text}\n\n${rules.length} rules. 'estatescan rules --format json' shows descriptions, risks and remediation;\n'estatescan rules --compliance' lists the controls and the rules that check each.${cut ? `\n${cut}` : ''}\n`;
}

export async function rulesCommand(args: string[], env: Environment, io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
    format: { type: 'string', short: 'f' },
    service: { type: 'string' },
    compliance: { type: 'boolean' },
    wide: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(`${rulesHelp}\n`);
    return 0;
  }
  const format = values.format ?? 'table';
  const problems: string[] = [];
  if (format !== 'table' && format !== 'json') {
    problems.push(`--format: must be one of table, json (got "${format}")`);
  }
  const wanted = commaList(values.service);
  if (wanted) problems.push(...unknownValues('--service', wanted, services, 'service'));
  if (wanted && !wanted.length) problems.push(`--service: name one or more of ${services.join(', ')}`);
  if (problems.length) throw new UsageError(problems.join('\n'), problems);
  const rules = allRules
    .filter((r) => !wanted || wanted.includes(r.service))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id));
  const layout = tableLayout(env, Boolean(values.wide));
  if (values.compliance) {
    io.stdout(renderCompliance(rules, format as 'table' | 'json', layout));
    return 0;
  }
  if (format === 'json') {
    io.stdout(
      `${JSON.stringify(
        rules.map(({ evaluate: _evaluate, ...metadata }) => metadata),
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  io.stdout(renderRulesTable(rules, layout));
  return 0;
}
