/**
 * `estatescan inventory`: what runs where, per account and region, in the cloud and on premises.
 */
import type { Environment } from '../../config/environment.ts';
import { allSources } from '../../inventory/collect.ts';
import { type InventoryRow, inventoryRows } from '../../inventory/rows.ts';
import type { CollectionError, SourceId } from '../../inventory/types.ts';
import { collectTargets, type TargetResult } from '../../scan/run-inventory.ts';
import { forTerminal } from '../../text/sanitize.ts';
import type { CommandIo } from '../io.ts';
import { parseCommandArgs, targetOptionSpec, targetOptionsHelp, toRunOptions } from '../options.ts';
import { createProgress } from '../progress.ts';
import { newRunId, openSession, plan } from '../session.ts';
import { type Column, renderCsv, renderTable } from '../table.ts';

export const inventoryFormats = ['table', 'json', 'csv'] as const;

export const inventoryHelp = `estatescan inventory — list what runs in each account and region

Usage: estatescan inventory [options]

${targetOptionsHelp}
Formats: table (default), json, csv

Exit codes: 0 complete, 2 usage error, 3 some targets or sources failed.`;

/** Short labels for the counts table, in display order. */
const typeLabels: [SourceId, string][] = [
  ['ec2.vpcs', 'VPCs'],
  ['ec2.subnets', 'subnets'],
  ['ec2.instances', 'EC2'],
  ['ec2.images', 'AMIs'],
  ['ec2.securityGroups', 'SGs'],
  ['ecs.clusters', 'ECS'],
  ['ecs.containerInstances', 'ECS hosts'],
  ['eks.clusters', 'EKS'],
  ['eks.nodegroups', 'nodegroups'],
  ['ecr.repositories', 'ECR'],
  ['ecrPublic.repositories', 'ECR public'],
  ['s3.buckets', 'S3'],
  ['ssm.managedInstances', 'SSM'],
];

const onPremises = (row: InventoryRow) => row.location === 'on-premises' || row.location === 'connected';

export interface InventoryReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  targets: { accountId: string; region: string; status: string; durationMs: number; errors: number }[];
  errors: CollectionError[];
}

export function renderInventoryTable(results: TargetResult[], rows: InventoryRow[]): string {
  const countColumns: Column<TargetResult>[] = [
    { header: 'account', value: (r) => r.accountId },
    { header: 'region', value: (r) => r.region },
    { header: 'status', value: (r) => r.status },
    ...typeLabels.map(
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
    renderTable(results, countColumns),
  ];
  for (const [type, label] of typeLabels) {
    const mine = rows.filter((r) => r.resourceType === type);
    if (!mine.length) continue;
    const withOs = mine.some((r) => r.os);
    parts.push(
      `\n${label} (${type})\n${renderTable(mine, [
        { header: 'account', value: (r) => r.accountId },
        { header: 'region', value: (r) => r.region },
        { header: 'id', value: (r) => r.resourceId, max: 60 },
        { header: 'name', value: (r) => r.name, max: 30 },
        { header: 'state', value: (r) => r.state, max: 28 },
        { header: 'where', value: (r) => r.location },
        ...(withOs ? [{ header: 'os', value: (r: InventoryRow) => r.os, max: 48 }] : []),
        { header: 'detail', value: (r) => r.detail, max: 90 },
      ])}`,
    );
  }
  const errors = results.flatMap((r) => r.errors);
  if (errors.length) parts.push(`\nErrors (${errors.length})\n${renderErrors(errors)}`);
  return `${parts.join('\n')}\n`;
}

export function renderErrors(errors: CollectionError[]): string {
  return renderTable(errors, [
    { header: 'account', value: (e) => e.accountId },
    { header: 'region', value: (e) => e.region },
    { header: 'source', value: (e) => e.source },
    { header: 'operation', value: (e) => e.operation },
    { header: 'code', value: (e) => e.code },
    { header: 'resource', value: (e) => e.resourceId ?? '', max: 40 },
    { header: 'message', value: (e) => e.message, max: 80 },
  ]);
}

export async function inventoryCommand(args: string[], env: Environment, io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, targetOptionSpec);
  if (values.help) {
    io.stdout(`${inventoryHelp}\n`);
    return 0;
  }
  const options = toRunOptions(values, env, inventoryFormats);
  const startedAt = io.now();
  const runId = newRunId(startedAt);
  const session = await openSession(options, env, runId);
  try {
    const { targets, errors: planErrors } = await plan(session, options);
    const progress = createProgress(io.stderrStream, env.interactive, options.quiet);
    const results = await collectTargets(session, {
      targets,
      wanted: allSources,
      details: true,
      targetConcurrency: options.performance.targetConcurrency,
      itemConcurrency: options.performance.itemConcurrency,
      now: io.now,
      onTargetDone: (r, done, total) => progress.targetDone(r, done, total),
    });
    progress.finish();
    const rows = results.flatMap((r) => (r.snapshot ? inventoryRows(r.snapshot) : []));
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
          errors,
          apiCalls: session.counter.snapshot(),
        },
        null,
        2,
      )}\n`;
    } else if (options.format === 'csv') {
      text = renderCsv(rows, [
        { header: 'account_id', value: (r) => r.accountId },
        { header: 'region', value: (r) => r.region },
        { header: 'resource_type', value: (r) => r.resourceType },
        { header: 'resource_id', value: (r) => r.resourceId },
        { header: 'name', value: (r) => r.name },
        { header: 'state', value: (r) => r.state },
        { header: 'location', value: (r) => r.location },
        { header: 'os', value: (r) => r.os },
        { header: 'detail', value: (r) => r.detail },
      ]);
    } else {
      text = renderInventoryTable(results, rows);
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
