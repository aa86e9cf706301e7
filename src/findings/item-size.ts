/**
 * Item sizes as DynamoDB counts them, checked before every write. DynamoDB refuses an item over
 * 400 KB with a `ValidationException`; the store refuses one over `ITEM_SIZE_BUDGET` first, with an
 * error that names the target and the item, so one oversized item fails its own target and nothing
 * else. Both stores (DynamoDB and memory) run the same check.
 */
import { gzipSync } from 'node:zlib';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { InventoryRow } from '../inventory/rows.ts';
import { boundedText } from './budget.ts';
import { ItemTooLargeError, type StoreItemKind } from './errors.ts';

/** DynamoDB's hard limit on one item: 400 KB, attribute names and values. */
export const DYNAMODB_ITEM_LIMIT = 400 * 1024;

/**
 * What the store writes at most: 350 KB. The margin covers what the measure approximates (numbers,
 * counted by their text) and leaves room for a field added later without a budget of its own.
 */
export const ITEM_SIZE_BUDGET = 350 * 1024;

/** The document client's marshalling, so the measured item is the item sent. */
export const marshallOptions = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * One attribute value's size, from DynamoDB's rules: strings and binary by their bytes, a number by
 * its text (DynamoDB's own count, about one byte per two digits, is never more), booleans and null
 * one byte, and lists and maps 3 bytes plus one per element, plus their elements (and names).
 */
function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return value.N.length + 1;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS) return value.SS.reduce((n, s) => n + utf8(s), 0);
  if (value.NS) return value.NS.reduce((n, s) => n + s.length + 1, 0);
  if (value.BS) return value.BS.reduce((n, b) => n + b.byteLength, 0);
  if (value.L) return value.L.reduce((n, v) => n + 1 + valueSize(v), 3);
  if (value.M) return Object.entries(value.M).reduce((n, [k, v]) => n + 1 + utf8(k) + valueSize(v), 3);
  return 0;
}

/** The size of a marshalled item: its attribute names and values. */
export function marshalledItemSize(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((n, [name, value]) => n + utf8(name) + valueSize(value), 0);
}

/** The size of an item as the document client would send it. */
export function itemSize(item: Record<string, unknown>): number {
  return marshalledItemSize(marshall(item, marshallOptions));
}

export interface ItemContext {
  kind: StoreItemKind;
  /** The item's sort key, to name it. */
  key: string;
  accountId?: string;
  region?: string;
  runId?: string;
}

/** Throws `ItemTooLargeError` when the item is over `limit`. */
export function assertItemFits(
  item: Record<string, unknown>,
  context: ItemContext,
  limit = ITEM_SIZE_BUDGET,
): void {
  const size = itemSize(item);
  if (size <= limit) return;
  const { kind, key, ...where } = context;
  throw new ItemTooLargeError(kind, key, size, limit, where);
}

/** Gzipped inventory rows above this many bytes do not go in the item: fewer rows do. */
export const INVENTORY_ROWS_GZIP_LIMIT = 300_000;

/** Characters kept of each field of an inventory row (names, OS labels, details). */
export const INVENTORY_FIELD_LENGTH = 512;

export interface FittedInventoryRows {
  /** The rows the item keeps: every row, or the first ones that fit, each field within its budget. */
  rows: InventoryRow[];
  /** Their JSON, gzipped: what the DynamoDB item stores. */
  gzip: Buffer;
  /** How many rows there were (more than `rows.length` when only the first ones fit). */
  total: number;
}

/**
 * Inventory rows that fit in one item: every field cut to `INVENTORY_FIELD_LENGTH`, then as many of
 * the first rows as gzip to `limit` bytes. Deterministic: the same rows give the same item.
 */
export function fitInventoryRows(
  rows: readonly InventoryRow[],
  limit = INVENTORY_ROWS_GZIP_LIMIT,
): FittedInventoryRows {
  const bounded = rows.map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [
          k,
          typeof v === 'string' ? boundedText(v, INVENTORY_FIELD_LENGTH) : v,
        ]),
      ) as unknown as InventoryRow,
  );
  let kept = bounded.length;
  let gzip = gzipSync(JSON.stringify(bounded));
  while (gzip.byteLength > limit && kept > 0) {
    // Rows compress alike: scale the count down by the overshoot, with a margin, and try again.
    kept = Math.min(kept - 1, Math.floor((kept * limit * 0.9) / gzip.byteLength));
    gzip = gzipSync(JSON.stringify(bounded.slice(0, kept)));
  }
  return { rows: bounded.slice(0, kept), gzip, total: rows.length };
}
