/**
 * The table's change stream → change sets for the notifier. Every finding write carries what it was
 * about (`lastChange`), so a crash between writing and notifying loses nothing: the stream replays
 * the writes. A target's baseline is announced once, from the insertion of its state item (and a
 * summary of rules new to a target, from the state item of the run that first evaluated them). A
 * target that starts or stops failing is announced from its health item's write (target-health.ts).
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { BaselineSummary, ChangeKind, ChangeSet, FindingChange } from './changes.ts';
import { changeKinds } from './changes.ts';
import type { StoredFinding } from './reconcile.ts';
import { announcedHealthChanges, type TargetHealth, type TargetHealthChange } from './target-health.ts';
import type { Finding } from './types.ts';

/** The part of a DynamoDB stream record the notifier reads (as Lambda delivers it). */
export interface StreamRecord {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  dynamodb?: {
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
  };
}

const announced = new Set<string>(changeKinds);

function image(raw: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: stream images are AttributeValue maps.
  return raw ? unmarshall(raw as any) : undefined;
}

/** An item without its keys and bookkeeping attributes. */
function bodyOf<T>(item: Record<string, unknown>): T {
  const { PK: _a, SK: _b, GSI1PK: _c, GSI1SK: _d, ttl: _e, itemType: _f, ...rest } = item;
  return rest as unknown as T;
}

/** Groups stream records into one change set per run. Records that announce nothing are skipped. */
export function changeSetsFromStream(records: readonly StreamRecord[]): ChangeSet[] {
  const byRun = new Map<string, ChangeSet>();
  const setFor = (runId: string) => {
    let set = byRun.get(runId);
    if (!set) {
      set = { runId, changes: [], baselines: [] };
      byRun.set(runId, set);
    }
    return set;
  };
  for (const record of records) {
    if (record.eventName === 'REMOVE') continue; // TTL archiving is not news
    const item = image(record.dynamodb?.NewImage);
    if (!item) continue;
    if (item.itemType === 'target-state') {
      // A target's baseline comes with its state's insertion; a later run's summary of rules new to
      // the target comes with the state that run wrote (each run's state replaces the last one's).
      const baseline = item.baselineSummary as BaselineSummary | undefined;
      if (baseline && (record.eventName === 'INSERT' || baseline.runId === item.lastRunId)) {
        setFor(baseline.runId).baselines.push(baseline);
      }
      continue;
    }
    if (item.itemType === 'target-health') {
      if (!announcedHealthChanges.has(item.lastChange as TargetHealthChange)) continue;
      const health = bodyOf<TargetHealth>(item);
      const set = setFor(health.lastChangedRunId);
      set.targetHealth = [...(set.targetHealth ?? []), health];
      continue;
    }
    if (item.itemType !== 'finding' || !announced.has(String(item.lastChange))) continue;
    const finding = bodyOf<StoredFinding>(item);
    const change: FindingChange = {
      kind: finding.lastChange as ChangeKind,
      finding: finding as Finding,
      runId: finding.lastChangedRunId,
      at: finding.lastChangedAt,
      ...(finding.previousSeverity ? { previousSeverity: finding.previousSeverity } : {}),
    };
    setFor(finding.lastChangedRunId).changes.push(change);
  }
  return [...byRun.values()];
}
