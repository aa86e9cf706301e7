/**
 * `estatescan findings`: query the findings store (what `scan --table` and the deployment wrote).
 */
import type { Environment } from '../../config/environment.ts';
import { UsageError } from '../../errors.ts';
import type { StoredFinding, TargetState } from '../../findings/reconcile.ts';
import { type FindingStatus, type Severity, severities, severityRank } from '../../findings/types.ts';
import { parseCommandArgs } from '../args.ts';
import type { CommandIo } from '../io.ts';
import {
  csvForSpreadsheets,
  cutNote,
  fitTable,
  renderCsv,
  renderTable,
  severityColors,
  tableLayout,
} from '../table.ts';

export const findingsHelp = `estatescan findings — query the findings store

Usage: estatescan findings --table <name> [filters] [--format table|json|csv] [--output <file>]
       estatescan findings --table <name> --history <finding id>

Filters:
  --status open|suppressed|resolved   (default open)
  --severity <s1,s2>                  ${severities.join(', ')}
  --account <id>  --region <region>  --rule <rule id>
--wide: the table with every cell whole (by default it fits the terminal's width).
CSV starts with a UTF-8 byte-order mark, so Excel reads it as UTF-8.

The table lives in AWS_REGION (or --table-region).`;

const statuses: FindingStatus[] = ['open', 'suppressed', 'resolved'];

export async function findingsCommand(args: string[], env: Environment, io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, {
    table: { type: 'string' },
    'table-region': { type: 'string' },
    status: { type: 'string' },
    severity: { type: 'string' },
    account: { type: 'string' },
    region: { type: 'string' },
    rule: { type: 'string' },
    history: { type: 'string' },
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    wide: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(`${findingsHelp}\n`);
    return 0;
  }
  // Loaded past --help: the settings schema, the store and its SDK client.
  const [
    { accountIdPattern, regionPattern },
    { DynamoDBClient },
    { AccountClients, defaultAwsClientSettings },
    { DynamoDbFindingStore },
    { lastSeenOf },
  ] = await Promise.all([
    import('../../config/settings.ts'),
    import('@aws-sdk/client-dynamodb'),
    import('../../aws/clients.ts'),
    import('../../findings/dynamodb-store.ts'),
    import('../../findings/reconcile.ts'),
  ]);
  const problems: string[] = [];
  if (!values.table) problems.push('--table: the findings table is required');
  const status = (values.status ?? 'open') as FindingStatus;
  if (!statuses.includes(status)) problems.push(`--status: must be one of ${statuses.join(', ')}`);
  const wanted = values.severity?.split(',').map((s) => s.trim()) ?? [];
  for (const s of wanted)
    if (!severities.includes(s as Severity)) problems.push(`--severity: unknown severity "${s}"`);
  if (values.account && !accountIdPattern.test(values.account))
    problems.push('--account: an account id is 12 digits');
  if (values.region && !regionPattern.test(values.region))
    problems.push('--region: a region looks like eu-west-1');
  const format = values.format ?? 'table';
  if (!['table', 'json', 'csv'].includes(format)) problems.push('--format: must be one of table, json, csv');
  const tableRegion = values['table-region'] ?? env.region;
  if (!tableRegion) problems.push('no region for the table: set AWS_REGION or pass --table-region');
  if (problems.length) throw new UsageError(`Invalid options:\n  ${problems.join('\n  ')}`, problems);

  const clients = new AccountClients('self', undefined, {
    ...defaultAwsClientSettings,
    ...(env.endpoint ? { endpoint: env.endpoint } : {}),
  });
  try {
    const store = new DynamoDbFindingStore(
      clients.get(DynamoDBClient, tableRegion as string),
      values.table as string,
    );
    const layout = tableLayout(env, Boolean(values.wide));
    if (values.output) layout.color = false;
    if (values.history) {
      const events = await store.findingHistory(values.history);
      const text =
        format === 'json'
          ? `${JSON.stringify(events, null, 2)}\n`
          : `${renderTable(
              events,
              [
                { header: 'at', value: (e) => e.at },
                { header: 'change', value: (e) => e.change },
                { header: 'status', value: (e) => e.status },
                { header: 'severity', value: (e) => e.severity, color: (e) => severityColors[e.severity] },
                { header: 'run', value: (e) => e.runId },
              ],
              layout,
            )}\n`;
      await io.write(text, values.output);
      return 0;
    }
    const found = await store.queryFindings({
      status,
      ...(wanted.length ? { severities: wanted as Severity[] } : {}),
      ...(values.account ? { accountId: values.account } : {}),
      ...(values.region ? { region: values.region } : {}),
      ...(values.rule ? { ruleId: values.rule } : {}),
    });
    // Open findings are "last seen" when their rule last ran on their target: its state item.
    const states = new Map<string, TargetState | undefined>();
    for (const key of new Set(found.map((f) => `${f.accountId}/${f.region}`))) {
      const [accountId, region] = key.split('/') as [string, string];
      states.set(key, await store.loadTargetState(accountId, region));
    }
    const rows: StoredFinding[] = found
      .map((f) => ({ ...f, lastSeen: lastSeenOf(f, states.get(`${f.accountId}/${f.region}`)) }))
      .sort(
        (a, b) =>
          severityRank(b.severity) - severityRank(a.severity) ||
          a.accountId.localeCompare(b.accountId) ||
          a.ruleId.localeCompare(b.ruleId) ||
          a.resourceId.localeCompare(b.resourceId),
      );
    let text: string;
    if (format === 'json') {
      text = `${JSON.stringify(rows, null, 2)}\n`;
    } else if (format === 'csv') {
      text = csvForSpreadsheets(
        renderCsv(rows, [
          { header: 'finding_id', value: (f) => f.findingId },
          { header: 'severity', value: (f) => f.severity },
          { header: 'status', value: (f) => f.status },
          { header: 'rule_id', value: (f) => f.ruleId },
          { header: 'account_id', value: (f) => f.accountId },
          { header: 'region', value: (f) => f.region },
          { header: 'resource_id', value: (f) => f.resourceId },
          { header: 'message', value: (f) => f.message },
          { header: 'first_seen', value: (f) => f.firstSeen },
          { header: 'last_seen', value: (f) => f.lastSeen },
          { header: 'resolved_at', value: (f) => f.resolvedAt ?? '' },
        ]),
      );
    } else {
      // Identifiers only, none of them cut: on a narrow terminal the dates and the finding id (for
      // --history) are left out, and --wide shows them.
      const table = fitTable(
        rows,
        [
          { header: 'severity', value: (f) => f.severity, color: (f) => severityColors[f.severity] },
          { header: 'account', value: (f) => f.accountId },
          { header: 'region', value: (f) => f.region },
          { header: 'rule', value: (f) => f.ruleId },
          { header: 'resource', value: (f) => f.resourceId, kind: 'id' },
          { header: 'first seen', value: (f) => f.firstSeen.slice(0, 10), optional: true },
          {
            header: status === 'resolved' ? 'resolved' : 'last seen',
            value: (f) => (f.resolvedAt ?? f.lastSeen).slice(0, 10),
            optional: true,
          },
          { header: 'id', value: (f) => f.findingId, optional: true },
        ],
        layout,
      );
      const note = cutNote(layout, [table]);
      text = `${table.text}\n\n${rows.length} ${status} findings.${note ? `\n${note}` : ''}\n`;
    }
    await io.write(text, values.output);
    return 0;
  } finally {
    clients.destroy();
  }
}
