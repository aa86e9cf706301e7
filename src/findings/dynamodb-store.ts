/**
 * The DynamoDB adapter of the findings store: one table, one overloaded global secondary index.
 *
 * | item              | PK                        | SK                                  | GSI1PK                        | GSI1SK                              |
 * |-------------------|---------------------------|-------------------------------------|-------------------------------|-------------------------------------|
 * | finding           | `TARGET#<account>#<region>` | `FINDING#<findingId>`             | `STATUS#<status>#<severity>`  | `<account>#<region>#<rule>#<id>`    |
 * | history event     | `TARGET#<account>#<region>` | `EVENT#<findingId>#<at>#<change>` | `HISTORY#<findingId>`         | `<at>`                              |
 * | target state      | `TARGET#<account>#<region>` | `STATE`                           |                               |                                     |
 * | latest inventory  | `TARGET#<account>#<region>` | `INVENTORY`                       |                               |                                     |
 * | run summary       | `RUN#<runId>`             | `SUMMARY`                           | `RUNS`                        | `<startedAt>#<runId>`               |
 * | run plan          | `RUN#<runId>`             | `PLAN`                              |                               |                                     |
 * | run target        | `RUN#<runId>`             | `TARGET#<account>#<region>`         |                               |                                     |
 * | target health     | `TARGET-HEALTH`           | `<account>#<region>` (`*`: account) |                               |                                     |
 *
 * Every access pattern is a Query: open findings of an account and region (PK, `FINDING#`); open
 * findings across the organization by severity (GSI1 `STATUS#open#<severity>`, optionally narrowed
 * to an account); a finding's history (GSI1 `HISTORY#<id>`); the latest inventory (PK, `INVENTORY`);
 * runs (GSI1 `RUNS`, then PK `RUN#<id>`). Resolved findings, events and runs carry a `ttl` so they
 * are archived by DynamoDB's TTL after the retention period. The stream (new and old images) feeds
 * the notifier.
 *
 * Every item is measured before it is sent (`item-size.ts`): one over the budget is refused with an
 * `ItemTooLargeError` naming its target and kind, and `applyTarget` checks all of a target's items
 * before it writes the first. Inventory rows are cut to fit their item (`rowsTotal` says how many
 * there were).
 *
 * A state machine run writes its `RUN#<id>` items piece by piece: `plan` its plan item, each
 * `scan-target` its run target item, the map's RecordFailure state (a `dynamodb:putItem` task in
 * serverless.yml, which must build the same item) the run target item of a target whose scan failed
 * for good, with Step Functions' `{ Error, Cause }` as JSON text in `error`; `summarize` then Queries
 * the partition and writes the summary, then moves the health items of the run's targets
 * (`target-health.ts`): one small partition, holding only targets that failed, which one Query reads.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '../inventory/concurrency.ts';
import { ConcurrentUpdateError } from './errors.ts';
import { assertItemFits, fitInventoryRows, type ItemContext, marshallOptions } from './item-size.ts';
import type { ReconcileResult, StoredFinding, TargetState } from './reconcile.ts';
import {
  caughtError,
  type FindingEvent,
  type FindingQuery,
  type FindingStore,
  type RunPlanRecord,
  type RunRecord,
  type RunSummaryRecord,
  type RunTargetRecord,
  runOfSummary,
  runSummaryOf,
  type StoredInventory,
  type StoredRun,
} from './store.ts';
import { healthKey, type TargetHealth, type TargetHealthWrite } from './target-health.ts';
import { severities } from './types.ts';

const DAY_SECONDS = 86_400;
/** How long resolved findings, events and run records stay before TTL archives them. */
export const RETENTION_DAYS = { resolvedFindings: 90, events: 400, runs: 90, targetHealth: 30 };

/**
 * The partition of the targets' health items. A target's item expires `RETENTION_DAYS.targetHealth`
 * after its latest write: a recovered one, or a failing one no run covers any more (an account that
 * left the organization), goes quietly.
 */
export const TARGET_HEALTH_PARTITION = 'TARGET-HEALTH';

const targetKey = (accountId: string, region: string) => `TARGET#${accountId}#${region}`;
const ttlAfter = (iso: string, days: number) => Math.floor(Date.parse(iso) / 1000) + days * DAY_SECONDS;

/** The keys of a run's items (the state machine's RecordFailure state builds the same ones). */
export const runItemKeys = {
  partition: (runId: string) => `RUN#${runId}`,
  summary: 'SUMMARY',
  plan: 'PLAN',
  target: (accountId: string, region: string) => targetKey(accountId, region),
} as const;

/** When a run's items expire (DynamoDB TTL, epoch seconds): `RETENTION_DAYS.runs` after its start. */
export const runItemsTtl = (startedAt: string) => ttlAfter(startedAt, RETENTION_DAYS.runs);

/** A run target item as the store returns it; a failure the state machine recorded gets its error. */
export function runTargetOf(item: Record<string, unknown>): RunTargetRecord {
  const { error, ...rest } = body<RunTargetRecord & { error?: unknown }>(item);
  if (error === undefined) return { ...rest, errors: rest.errors ?? [] };
  let caught: unknown = error;
  if (typeof error === 'string') {
    try {
      caught = JSON.parse(error);
    } catch {
      caught = { Error: 'Failed', Cause: error };
    }
  }
  return {
    ...rest,
    durationMs: rest.durationMs ?? 0,
    findings: rest.findings ?? 0,
    changes: rest.changes ?? 0,
    errors: [...(rest.errors ?? []), caughtError(rest.accountId, rest.region, caught)],
  };
}

/** The condition of a write over what its run read: no item (null), or the item a run left (its id). */
function writtenOver(field: 'lastChangedRunId' | 'lastRunId', before: string | null) {
  return before === null
    ? { ConditionExpression: 'attribute_not_exists(PK)' }
    : { ConditionExpression: `${field} = :before`, ExpressionAttributeValues: { ':before': before } };
}

/** Strips the key attributes from an item. */
function body<T>(item: Record<string, unknown>): T {
  const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g2, ttl: _ttl, itemType: _t, ...rest } = item;
  return rest as T;
}

function stateOf(item: Record<string, unknown>): TargetState {
  const { baselineSummary: _b, ...state } = body<TargetState & { baselineSummary?: unknown }>(item);
  return state;
}

export class DynamoDbFindingStore implements FindingStore {
  readonly #doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
    private readonly concurrency = 8,
  ) {
    this.#doc = DynamoDBDocumentClient.from(client, { marshallOptions });
  }

  /** Puts an item after checking its size (`ItemTooLargeError` over the budget, nothing sent). */
  async #put(item: Record<string, unknown>, context: ItemContext): Promise<void> {
    assertItemFits(item, context);
    await this.#doc.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  async #query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateQuery({ client: this.#doc }, { TableName: this.tableName, ...input })) {
      items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    }
    return items;
  }

  async loadTarget(accountId: string, region: string) {
    const pk = targetKey(accountId, region);
    const [findings, state] = await Promise.all([
      this.#query({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :finding)',
        ExpressionAttributeValues: { ':pk': pk, ':finding': 'FINDING#' },
      }),
      this.loadTargetState(accountId, region),
    ]);
    return { ...(state ? { state } : {}), findings: findings.map((item) => body<StoredFinding>(item)) };
  }

  async loadTargetState(accountId: string, region: string): Promise<TargetState | undefined> {
    const state = await this.#doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: targetKey(accountId, region), SK: 'STATE' },
        ConsistentRead: true,
      }),
    );
    return state.Item ? stateOf(state.Item) : undefined;
  }

  async applyTarget(result: ReconcileResult): Promise<{ written: string[] }> {
    if (result.duplicate) return { written: [] };
    const { accountId, region, lastRunId: runId } = result.state;
    const pk = targetKey(accountId, region);
    const expected = result.expected;
    const applied: string[] = [];
    let conflict = false;
    /** After a failed condition: our own earlier write (a run re-applied after a crash), or another run's. */
    const writtenByThisRun = async (sk: string, field: 'lastChangedRunId' | 'lastRunId') => {
      const current = await this.#doc.send(
        new GetCommand({ TableName: this.tableName, Key: { PK: pk, SK: sk }, ConsistentRead: true }),
      );
      return current.Item?.[field] === runId;
    };
    // Every item is built and measured before the first is sent: a target with an item over the
    // budget writes nothing, rather than findings without the state that marks them applied.
    const items = result.writes.map((finding) => ({
      finding,
      item: {
        PK: pk,
        SK: `FINDING#${finding.findingId}`,
        itemType: 'finding',
        GSI1PK: `STATUS#${finding.status}#${finding.severity}`,
        GSI1SK: `${finding.accountId}#${finding.region}#${finding.ruleId}#${finding.findingId}`,
        ...(finding.status === 'resolved' && finding.resolvedAt
          ? { ttl: ttlAfter(finding.resolvedAt, RETENTION_DAYS.resolvedFindings) }
          : {}),
        ...finding,
      },
      event: {
        PK: pk,
        SK: `EVENT#${finding.findingId}#${finding.lastChangedAt}#${finding.lastChange}`,
        itemType: 'event',
        GSI1PK: `HISTORY#${finding.findingId}`,
        GSI1SK: finding.lastChangedAt,
        ttl: ttlAfter(finding.lastChangedAt, RETENTION_DAYS.events),
        findingId: finding.findingId,
        at: finding.lastChangedAt,
        runId: finding.lastChangedRunId,
        change: finding.lastChange,
        severity: finding.severity,
        status: finding.status,
      } satisfies Record<string, unknown> & FindingEvent,
    }));
    const stateItem = {
      PK: pk,
      SK: 'STATE',
      itemType: 'target-state',
      ...result.state,
      // The notifier announces a target's baseline once, from this item's insertion.
      ...(result.baseline ? { baselineSummary: result.baseline } : {}),
    };
    for (const { item, event } of items) {
      assertItemFits(item, { kind: 'finding', key: item.SK, accountId, region });
      assertItemFits(event, { kind: 'event', key: event.SK, accountId, region });
    }
    assertItemFits(stateItem, { kind: 'target-state', key: stateItem.SK, accountId, region });
    await mapWithConcurrency(items, this.concurrency, async ({ finding, item, event }) => {
      const sk = item.SK;
      const before = expected?.findingRunIds[finding.findingId];
      try {
        await this.#doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            // Only over what this run read (another run's write is a conflict), and never twice
            // for one run (a run re-applied after a crash must not announce through the stream again).
            ...(before === undefined
              ? {
                  ConditionExpression: 'attribute_not_exists(PK) OR lastChangedRunId <> :run',
                  ExpressionAttributeValues: { ':run': finding.lastChangedRunId },
                }
              : writtenOver('lastChangedRunId', before)),
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (before !== undefined && !(await writtenByThisRun(sk, 'lastChangedRunId'))) conflict = true;
        return;
      }
      applied.push(finding.findingId);
      await this.#doc.send(new PutCommand({ TableName: this.tableName, Item: event }));
    });
    if (conflict) throw new ConcurrentUpdateError(accountId, region, applied);
    // Written last: it marks the run as applied to this target.
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: stateItem,
          ...(expected === undefined ? {} : writtenOver('lastRunId', expected.stateRunId)),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (!(await writtenByThisRun('STATE', 'lastRunId'))) {
        throw new ConcurrentUpdateError(accountId, region, applied);
      }
    }
    return { written: applied };
  }

  async saveInventory(inventory: StoredInventory): Promise<{ written: boolean }> {
    const pk = targetKey(inventory.accountId, inventory.region);
    const json = JSON.stringify(inventory.rows ?? []);
    const hash = createHash('sha256').update(json).digest('hex');
    const stored = await this.#doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: pk, SK: 'INVENTORY' },
        ProjectionExpression: 'inventoryHash',
      }),
    );
    if (stored.Item?.inventoryHash === hash) return { written: false };
    const fitted = fitInventoryRows(inventory.rows ?? []);
    await this.#put(
      {
        PK: pk,
        SK: 'INVENTORY',
        itemType: 'inventory',
        accountId: inventory.accountId,
        region: inventory.region,
        at: inventory.at,
        runId: inventory.runId,
        counts: inventory.counts,
        inventoryHash: hash,
        rowsGzip: fitted.gzip,
        // Only the first rows fit: say how many there were (the counts cover them all).
        ...(fitted.rows.length < fitted.total ? { rowsTotal: fitted.total } : {}),
      },
      { kind: 'inventory', key: 'INVENTORY', accountId: inventory.accountId, region: inventory.region },
    );
    return { written: true };
  }

  async latestInventory(accountId: string, region: string): Promise<StoredInventory | undefined> {
    const stored = await this.#doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: targetKey(accountId, region), SK: 'INVENTORY' },
      }),
    );
    const item = stored.Item;
    if (!item) return undefined;
    return {
      accountId,
      region,
      at: item.at as string,
      runId: item.runId as string,
      counts: item.counts as Record<string, number>,
      ...(item.rowsGzip
        ? { rows: JSON.parse(gunzipSync(item.rowsGzip as Uint8Array).toString('utf8')) }
        : {}),
      ...(typeof item.rowsTotal === 'number' ? { rowsTotal: item.rowsTotal } : {}),
    };
  }

  async loadTargetHealth(): Promise<TargetHealth[]> {
    const items = await this.#query({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': TARGET_HEALTH_PARTITION },
      ConsistentRead: true,
    });
    return items.map((item) => body<TargetHealth>(item));
  }

  async writeTargetHealth({ health, expected }: TargetHealthWrite): Promise<boolean> {
    const sk = healthKey(health.accountId, health.region);
    const item = {
      PK: TARGET_HEALTH_PARTITION,
      SK: sk,
      itemType: 'target-health',
      ttl: ttlAfter(health.lastChangedAt, RETENTION_DAYS.targetHealth),
      ...health,
    };
    assertItemFits(item, {
      kind: 'target-health',
      key: sk,
      accountId: health.accountId,
      region: health.region,
    });
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(expected === null
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : {
                ConditionExpression: '#status = :status AND lastChangedRunId = :run',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':status': expected.status, ':run': expected.lastChangedRunId },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async recordRun(run: RunRecord): Promise<void> {
    await this.recordRunSummary(runSummaryOf(run));
    await mapWithConcurrency(run.targets, this.concurrency, (target) => this.recordRunTarget(run, target));
  }

  async recordRunSummary(summary: RunSummaryRecord): Promise<void> {
    await this.#put(
      {
        PK: runItemKeys.partition(summary.runId),
        SK: runItemKeys.summary,
        itemType: 'run',
        GSI1PK: 'RUNS',
        GSI1SK: `${summary.startedAt}#${summary.runId}`,
        ttl: runItemsTtl(summary.startedAt),
        ...summary,
      },
      { kind: 'run', key: runItemKeys.summary, runId: summary.runId },
    );
  }

  async recordRunPlan(plan: RunPlanRecord): Promise<void> {
    await this.#put(
      {
        PK: runItemKeys.partition(plan.runId),
        SK: runItemKeys.plan,
        itemType: 'run-plan',
        ttl: runItemsTtl(plan.startedAt),
        ...plan,
      },
      { kind: 'run-plan', key: runItemKeys.plan, runId: plan.runId },
    );
  }

  async recordRunTarget(run: { runId: string; startedAt: string }, target: RunTargetRecord): Promise<void> {
    const sk = runItemKeys.target(target.accountId, target.region);
    await this.#put(
      {
        PK: runItemKeys.partition(run.runId),
        SK: sk,
        itemType: 'run-target',
        ttl: runItemsTtl(run.startedAt),
        ...target,
      },
      { kind: 'run-target', key: sk, accountId: target.accountId, region: target.region, runId: run.runId },
    );
  }

  /** One Query of the run's partition (paginated): its plan, its targets' outcomes, its summary. */
  async loadRun(runId: string): Promise<StoredRun> {
    const items = await this.#query({
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': runItemKeys.partition(runId) },
      // Written by other functions moments ago (the last child may have just finished).
      ConsistentRead: true,
    });
    const plan = items.find((i) => i.SK === runItemKeys.plan);
    return {
      ...(plan ? { plan: body<RunPlanRecord>(plan) } : {}),
      targets: items.filter((i) => String(i.SK).startsWith('TARGET#')).map(runTargetOf),
    };
  }

  /**
   * The latest `limit` runs, newest first: one Query page of `limit` summaries. (`Limit` caps a page,
   * not a query: paginating would walk every run ever recorded.) Another page is read only when the
   * first stopped at DynamoDB's 1 MB, which summaries with many plan errors can reach.
   */
  async recentRuns(limit: number): Promise<RunRecord[]> {
    const summaries: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    while (summaries.length < limit) {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :runs',
          ExpressionAttributeValues: { ':runs': 'RUNS' },
          ScanIndexForward: false,
          Limit: limit - summaries.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      summaries.push(...((page.Items ?? []) as Record<string, unknown>[]));
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }
    return Promise.all(
      summaries.map(async (summary) => {
        const items = await this.#query({
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :target)',
          ExpressionAttributeValues: { ':pk': summary.PK, ':target': 'TARGET#' },
        });
        return {
          ...runOfSummary(body<RunSummaryRecord>(summary)),
          targets: items.map(runTargetOf),
        };
      }),
    );
  }

  async queryFindings(query: FindingQuery): Promise<StoredFinding[]> {
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    if (query.ruleId) {
      filters.push('ruleId = :rule');
      values[':rule'] = query.ruleId;
    }
    if (query.accountId && query.region) {
      // One target: its partition holds every finding of it.
      if (query.status) {
        filters.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = query.status;
      }
      if (query.severities?.length) {
        filters.push(`severity IN (${query.severities.map((_, i) => `:sev${i}`).join(', ')})`);
        query.severities.forEach((s, i) => {
          values[`:sev${i}`] = s;
        });
      }
      const items = await this.#query({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :finding)',
        ExpressionAttributeValues: {
          ':pk': targetKey(query.accountId, query.region),
          ':finding': 'FINDING#',
          ...values,
        },
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
      });
      return items.map((i) => body<StoredFinding>(i));
    }
    // Across the organization: one Query per status × severity on the index, narrowed by account.
    if (query.region && !query.accountId) {
      filters.push('#region = :region');
      names['#region'] = 'region';
      values[':region'] = query.region;
    }
    const statuses = query.status ? [query.status] : (['open', 'suppressed', 'resolved'] as const);
    const wanted = query.severities?.length ? query.severities : severities;
    const prefix = query.accountId
      ? `${query.accountId}#${query.region ? `${query.region}#` : ''}`
      : undefined;
    const results = await Promise.all(
      statuses.flatMap((status) =>
        wanted.map((severity) =>
          this.#query({
            IndexName: 'GSI1',
            KeyConditionExpression: prefix
              ? 'GSI1PK = :gpk AND begins_with(GSI1SK, :prefix)'
              : 'GSI1PK = :gpk',
            ExpressionAttributeValues: {
              ':gpk': `STATUS#${status}#${severity}`,
              ...(prefix ? { ':prefix': prefix } : {}),
              ...values,
            },
            ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
            ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          }),
        ),
      ),
    );
    return results.flat().map((i) => body<StoredFinding>(i));
  }

  async findingHistory(findingId: string): Promise<FindingEvent[]> {
    const items = await this.#query({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :history',
      ExpressionAttributeValues: { ':history': `HISTORY#${findingId}` },
    });
    return items.map((i) => body<FindingEvent>(i));
  }
}
