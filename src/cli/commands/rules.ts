/**
 * `estatescan rules`: the rules with their metadata.
 */
import { allRules } from '../../../rules/index.ts';
import type { Environment } from '../../config/environment.ts';
import { UsageError } from '../../errors.ts';
import { severityRank } from '../../findings/types.ts';
import type { CommandIo } from '../io.ts';
import { parseCommandArgs } from '../options.ts';
import { renderTable } from '../table.ts';

export const rulesHelp = `estatescan rules — list the rules

Usage: estatescan rules [--format table|json]

json prints every rule's full metadata: description, risk, remediation, references, sources.`;

export async function rulesCommand(args: string[], _env: Environment, io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
    format: { type: 'string', short: 'f' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(`${rulesHelp}\n`);
    return 0;
  }
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') {
    throw new UsageError(`--format: must be one of table, json (got "${format}")`);
  }
  const rules = [...allRules].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id),
  );
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
  io.stdout(
    `${renderTable(rules, [
      { header: 'id', value: (r) => r.id },
      { header: 'severity', value: (r) => r.severity },
      { header: 'service', value: (r) => r.service },
      { header: 'security hub', value: (r) => r.references.securityHub ?? '' },
      { header: 'title', value: (r) => r.title, max: 70 },
    ])}\n\n${rules.length} rules. 'estatescan rules --format json' shows descriptions, risks and remediation.\n`,
  );
  return 0;
}
