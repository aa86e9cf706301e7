/**
 * `estatescan inventory`: what runs where, per account and region, in the cloud and on premises.
 */
import type { Environment } from '../../config/environment.ts';
import { UsageError } from '../../errors.ts';
import {
  type PlacementCounts,
  type PlacementRow,
  type PlacementSummary,
  placementCountLabels,
  placementCountNames,
  placementSummary,
} from '../../inventory/placement.ts';
import { type InventoryRow, inventoryRows } from '../../inventory/rows.ts';
import type { CollectionError, SourceId } from '../../inventory/types.ts';
import type { TargetResult } from '../../scan/run-inventory.ts';
import { forTerminal } from '../../text/sanitize.ts';
import { commaList } from '../args.ts';
import type { CommandIo } from '../io.ts';
import { parseCommandArgs, targetOptionSpec, targetOptionsHelp, toRunOptions } from '../options.ts';
import { createProgress } from '../progress.ts';
import {
  type Column,
  csvForSpreadsheets,
  cutNote,
  type FittedTable,
  fitTable,
  renderCsv,
  type TableLayout,
  tableLayout,
} from '../table.ts';

export const inventoryFormats = ['table', 'json', 'csv'] as const;

/** Short labels for the counts table, in display order. */
const typeLabels: [SourceId, string][] = [
  ['ec2.vpcs', 'VPCs'],
  ['ec2.subnets', 'subnets'],
  ['ec2.instances', 'EC2'],
  ['ec2.images', 'AMIs'],
  ['ec2.securityGroups', 'SGs'],
  ['ec2.availabilityZones', 'edge zones'],
  ['outposts.outposts', 'Outposts'],
  ['ecs.clusters', 'ECS'],
  ['ecs.containerInstances', 'ECS hosts'],
  ['ecs.services', 'ECS services'],
  ['ecs.taskDefinitions', 'task defs'],
  ['eks.clusters', 'EKS'],
  ['eks.nodegroups', 'nodegroups'],
  ['eks.fargateProfiles', 'Fargate profiles'],
  ['eks.addons', 'add-ons'],
  ['ecr.repositories', 'ECR'],
  ['ecrPublic.repositories', 'ECR public'],
  ['s3.buckets', 'S3'],
  ['ssm.managedInstances', 'SSM'],
];

/** The resource types `--type` takes, and the services they belong to. */
const inventoryTypes: readonly SourceId[] = typeLabels.map(([type]) => type);
const inventoryServices = [...new Set(inventoryTypes.map((type) => type.split('.')[0] as string))];

/** `items` joined by commas, in lines of at most `width` columns, each starting with `indent`. */
function wrapList(items: readonly string[], indent: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const word = i < items.length - 1 ? `${item},` : item;
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export const inventoryHelp = `estatescan inventory — list what runs in each account and region

Usage: estatescan inventory [options]

${targetOptionsHelp}
Resources:
  --type <t,t>                     only these resource types, and only the calls they need: a
                                   service (${inventoryServices.join(', ')}) or a type
                                   (ec2.instances, ecs.containerInstances…: every one is listed below)
Formats: table (default), json, csv (with a UTF-8 byte-order mark, for Excel). Each ends with where
things run: clusters, services, tasks, Fargate profiles, EKS nodes, ECS hosts and machines per kind
of capacity (cloud, fargate, outpost, local-zone, wavelength, on-premises, connected), per account
and region and for the estate.
Types:
${wrapList(inventoryTypes, '  ', 100)}

Exit codes: 0 complete, 2 usage error, 3 some targets or sources failed.`;

const onPremises = (row: InventoryRow) => row.location === 'on-premises' || row.location === 'connected';

export interface InventoryReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  targets: { accountId: string; region: string; status: string; durationMs: number; errors: number }[];
  errors: CollectionError[];
}

/**
 * The inventory for a terminal: counts per target and type (types found nowhere are named under
 * the table, not given an empty column), then each type's resources, where things run and the
 * errors. With `layout.width`, tables fit it: names, states, operating systems and details give way
 * first, resource ids never (ARNs are cut in the middle).
 */
export function renderInventoryTable(
  results: TargetResult[],
  rows: InventoryRow[],
  layout: TableLayout = {},
  /** The types asked for (`--type`); every type when unset. */
  types?: ReadonlySet<SourceId>,
): string {
  const fitted: FittedTable[] = [];
  const table = <T>(tableRows: readonly T[], columns: Column<T>[]) => {
    const one = fitTable(tableRows, columns, layout);
    fitted.push(one);
    return one.text;
  };
  const asked = typeLabels.filter(([type]) => !types || types.has(type));
  const collected = (type: SourceId) => results.some((r) => r.snapshot?.sources[type]);
  const shownTypes = asked.filter(
    ([type]) =>
      rows.some((x) => x.resourceType === type) ||
      results.some((r) => r.snapshot?.sources[type]?.ok === false),
  );
  const emptyTypes = asked.filter(([type]) => collected(type) && !shownTypes.some(([t]) => t === type));
  const countColumns: Column<TargetResult>[] = [
    { header: 'account', value: (r) => r.accountId },
    { header: 'region', value: (r) => r.region },
    { header: 'status', value: (r) => r.status },
    ...shownTypes.map(
      ([type, label]): Column<TargetResult> => ({
        header: label,
        align: 'right',
        value: (r) => {
          const source = r.snapshot?.sources[type];
          if (!source) return '-';
          if (!source.ok) return 'error';
          const mine = rows.filter(
            (x) => x.accountId === r.accountId && x.region === r.region && x.resourceType === type,
          );
          const hybrid = mine.filter(onPremises).length;
          return hybrid ? `${mine.length} (${hybrid} on-prem)` : mine.length;
        },
      }),
    ),
  ];
  const parts = [
    `Inventory: ${results.length} targets, ${rows.length} resources\n`,
    table(results, countColumns),
  ];
  if (emptyTypes.length) parts.push(`None found: ${emptyTypes.map(([, label]) => label).join(', ')}.`);
  for (const [type, label] of typeLabels) {
    const mine = rows.filter((r) => r.resourceType === type);
    if (!mine.length) continue;
    const withOs = mine.some((r) => r.os);
    parts.push(
      `\n${label} (${type})\n${table(mine, [
        { header: 'account', value: (r) => r.accountId },
        { header: 'region', value: (r) => r.region },
        { header: 'id', value: (r) => r.resourceId, kind: 'id' },
        { header: 'name', value: (r) => r.name, kind: 'text' },
        { header: 'state', value: (r) => r.state, kind: 'text', min: 10 },
        { header: 'where', value: (r) => r.location },
        ...(withOs ? [{ header: 'os', value: (r: InventoryRow) => r.os, kind: 'text' } as const] : []),
        { header: 'detail', value: (r) => r.detail, kind: 'text', min: 16 },
      ])}`,
    );
  }
  const placement = placementSummary(rows);
  if (placement.estate.length) parts.push(`\nWhere it runs\n${renderPlacementTable(placement, layout)}`);
  const errors = results.flatMap((r) => r.errors);
  if (errors.length) parts.push(`\nErrors (${errors.length})\n${table(errors, errorColumns)}`);
  const note = cutNote(layout, fitted);
  if (note) parts.push(`\n${note}`);
  return `${parts.join('\n')}\n`;
}

const countColumns = placementCountNames.map(
  (name): Column<PlacementRow> => ({
    header: placementCountLabels[name],
    align: 'right',
    value: (r) => r[name] || '',
  }),
);

/** The placement summary: per account, region and kind of capacity, then the estate's totals. */
export function renderPlacementTable(summary: PlacementSummary, layout: TableLayout = {}): string {
  return fitTable(
    [...summary.targets, ...summary.estate],
    [
      { header: 'account', value: (r) => r.accountId ?? 'estate' },
      { header: 'region', value: (r) => r.region ?? 'all' },
      { header: 'where', value: (r) => r.where },
      ...countColumns,
    ],
    layout,
  ).text;
}

/** CSV column names of the placement counts. */
const csvCountHeaders: Record<keyof PlacementCounts, string> = {
  clusters: 'clusters',
  services: 'services',
  tasks: 'tasks',
  fargateProfiles: 'fargate_profiles',
  nodes: 'eks_nodes',
  containerInstances: 'ecs_hosts',
  machines: 'machines',
};

/** A line of the inventory CSV: a resource, or a placement summary line (its counts filled). */
type CsvLine =
  | { kind: 'resource'; row: InventoryRow }
  | { kind: 'placement' | 'placement.estate'; row: PlacementRow };

/**
 * One line per resource, then one `placement` line per account, region and kind of capacity and
 * one `placement.estate` line per kind for the whole estate. Only summary lines carry counts, so
 * summing a count column over one of the two kinds gives the total once.
 */
export function renderInventoryCsv(rows: InventoryRow[]): string {
  const placement = placementSummary(rows);
  const lines: CsvLine[] = [
    ...rows.map((row): CsvLine => ({ kind: 'resource', row })),
    ...placement.targets.map((row): CsvLine => ({ kind: 'placement', row })),
    ...placement.estate.map((row): CsvLine => ({ kind: 'placement.estate', row })),
  ];
  const resource = (line: CsvLine) => (line.kind === 'resource' ? line.row : undefined);
  const summary = (line: CsvLine) => (line.kind === 'resource' ? undefined : line.row);
  return renderCsv(lines, [
    { header: 'account_id', value: (l) => l.row.accountId ?? '' },
    { header: 'region', value: (l) => l.row.region ?? '' },
    { header: 'resource_type', value: (l) => resource(l)?.resourceType ?? l.kind },
    { header: 'resource_id', value: (l) => resource(l)?.resourceId ?? summary(l)?.where ?? '' },
    { header: 'name', value: (l) => resource(l)?.name ?? '' },
    { header: 'state', value: (l) => resource(l)?.state ?? '' },
    { header: 'location', value: (l) => resource(l)?.location ?? summary(l)?.where ?? '' },
    { header: 'os', value: (l) => resource(l)?.os ?? '' },
    { header: 'detail', value: (l) => resource(l)?.detail ?? '' },
    ...placementCountNames.map((name) => ({
      header: csvCountHeaders[name],
      value: (l: CsvLine) => summary(l)?.[name] ?? '',
    })),
  ]);
}

const errorColumns: Column<CollectionError>[] = [
  { header: 'account', value: (e) => e.accountId },
  { header: 'region', value: (e) => e.region },
  { header: 'source', value: (e) => e.source },
  { header: 'operation', value: (e) => e.operation },
  { header: 'code', value: (e) => e.code },
  { header: 'resource', value: (e) => e.resourceId ?? '', kind: 'id' },
  { header: 'message', value: (e) => e.message, kind: 'text', min: 20 },
];

export function renderErrors(errors: CollectionError[], layout: TableLayout = {}): string {
  return fitTable(errors, errorColumns, layout).text;
}

/** `--type`: source ids and services, as the set of sources to collect and show. */
function parseTypes(value: string | undefined): ReadonlySet<SourceId> | undefined {
  const asked = commaList(value);
  if (!asked) return undefined;
  const problems: string[] = [];
  const types = new Set<SourceId>();
  for (const name of asked) {
    const matching = inventoryTypes.filter((type) => type === name || type.split('.')[0] === name);
    if (!matching.length) {
      problems.push(
        `--type: unknown resource type "${name}" (a service: ${inventoryServices.join(', ')}; or a type: ${inventoryTypes.join(', ')})`,
      );
    }
    for (const type of matching) types.add(type);
  }
  if (!asked.length) problems.push('--type: name one or more resource types or services');
  if (problems.length) throw new UsageError(`Invalid options:\n  ${problems.join('\n  ')}`, problems);
  return types;
}

export async function inventoryCommand(args: string[], env: Environment, io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, { ...targetOptionSpec, type: { type: 'string' } });
  if (values.help) {
    io.stdout(`${inventoryHelp}\n`);
    return 0;
  }
  const types = parseTypes(values.type);
  const options = toRunOptions(values, env, inventoryFormats);
  // Loaded once the options are valid: the collectors bring every service's SDK client.
  const [{ collectTargets }, { allSources }, { newRunId, openSession, plan }] = await Promise.all([
    import('../../scan/run-inventory.ts'),
    import('../../inventory/collect.ts'),
    import('../session.ts'),
  ]);
  const startedAt = io.now();
  const runId = newRunId(startedAt);
  const session = await openSession(options, env, runId);
  try {
    const { targets, errors: planErrors } = await plan(session, options);
    const progress = createProgress(io.stderrStream, env.interactive, options.quiet);
    const results = await collectTargets(session, {
      targets,
      wanted: types ?? allSources,
      details: true,
      targetConcurrency: options.performance.targetConcurrency,
      itemConcurrency: options.performance.itemConcurrency,
      now: io.now,
      onTargetDone: (r, done, total) => progress.targetDone(r, done, total),
    });
    progress.finish();
    const rows = results
      .flatMap((r) => (r.snapshot ? inventoryRows(r.snapshot) : []))
      .filter((row) => !types || types.has(row.resourceType as SourceId));
    const errors = [...planErrors, ...results.flatMap((r) => r.errors)];
    let text: string;
    if (options.format === 'json') {
      text = `${JSON.stringify(
        {
          runId,
          startedAt: startedAt.toISOString(),
          finishedAt: io.now().toISOString(),
          targets: results.map(({ snapshot: _s, ...t }) => ({ ...t, errors: t.errors.length })),
          snapshots: results.flatMap((r) => (r.snapshot ? [r.snapshot] : [])),
          placement: placementSummary(rows),
          errors,
          apiCalls: session.counter.snapshot(),
        },
        null,
        2,
      )}\n`;
    } else if (options.format === 'csv') {
      text = csvForSpreadsheets(renderInventoryCsv(rows));
    } else {
      const layout = tableLayout(env, Boolean(values.wide));
      text = renderInventoryTable(
        results,
        rows,
        { ...layout, color: layout.color && !options.output },
        types,
      );
    }
    await io.write(text, options.output);
    if (errors.length) {
      const failed = results.filter((r) => r.status !== 'ok').length + planErrors.length;
      io.stderr(
        `estatescan: ${failed} of ${results.length + planErrors.length} targets incomplete, ${errors.length} errors:\n` +
          `${errors.map((e) => `  ${forTerminal(`${e.accountId} ${e.region} ${e.operation} ${e.code}${e.resourceId ? ` (${e.resourceId})` : ''}`)}`).join('\n')}\n`,
      );
      return 3;
    }
    return 0;
  } finally {
    session.destroy();
  }
}
