/**
 * S3 collector: the account's buckets with their versioning, public access block and default
 * encryption, and the account-level public access block.
 *
 * S3 is global: one ListBuckets answers for every region. Buckets are listed once per account
 * (memoized in the account scope, shared by every region's target of that account) and each is
 * attributed to its own region, from ListBuckets' `BucketRegion` when AWS returns it, else from
 * GetBucketLocation. The snapshot of region R holds only R's buckets, and their per-bucket calls go
 * to R's endpoint. The account public access block is read once per account too, and reported in
 * every region's snapshot so that each target's rules see it next to its buckets.
 *
 * A bucket whose region cannot be told makes the whole bucket list fail: dropping it would let
 * reconciliation resolve its findings without having seen it.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
  paginateListBuckets,
  S3Client,
  type Bucket as SdkBucket,
} from '@aws-sdk/client-s3';
import {
  GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { errorCode } from '../../aws/errors.ts';
import { type Collector, type CollectorContext, iso, readField, readSource } from '../collector.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import type { DeclaredCall } from '../declared-calls.ts';
import type {
  AccountPublicAccessBlock,
  Bucket,
  PublicAccessBlock,
  SourceId,
  SourceResult,
  Sources,
} from '../types.ts';

/**
 * The calls this collector makes. ListBuckets and the account's public access block are read once
 * per account; GetBucketLocation only for a bucket ListBuckets gave no `BucketRegion` for (AWS gives
 * it; moto does not). The S3 Control operation is GetPublicAccessBlock, like the bucket-level one;
 * its IAM action is s3:GetAccountPublicAccessBlock. Default encryption is read for the inventory
 * only (`ctx.details`).
 */
export const s3Calls = {
  listBuckets: { operation: 's3:ListBuckets', sources: ['s3.buckets'], per: 'account' },
  getBucketLocation: {
    operation: 's3:GetBucketLocation',
    sources: ['s3.buckets'],
    per: 'item',
    of: 'bucket listed without its region',
  },
  getBucketVersioning: {
    operation: 's3:GetBucketVersioning',
    sources: ['s3.buckets'],
    per: 'item',
    of: 'bucket',
  },
  getPublicAccessBlock: {
    operation: 's3:GetPublicAccessBlock',
    sources: ['s3.buckets'],
    per: 'item',
    of: 'bucket',
  },
  getBucketEncryption: {
    operation: 's3:GetBucketEncryption',
    sources: ['s3.buckets'],
    per: 'item',
    of: 'bucket',
    details: true,
  },
  getAccountPublicAccessBlock: {
    operation: 's3control:GetPublicAccessBlock',
    sources: ['s3.accountPublicAccessBlock'],
    per: 'account',
  },
} as const satisfies Record<string, DeclaredCall>;

/** A bucket as listed, attributed to its region. */
interface ListedBucket {
  name: string;
  region: string;
  createdAt?: string;
}

/** The account-wide listing, or the call that kept it from being made. */
type BucketListing = { ok: true; buckets: ListedBucket[] } | { ok: false; operation: string; error: unknown };

/**
 * The region of a GetBucketLocation answer: no constraint means us-east-1, and `EU` is the legacy
 * name of eu-west-1.
 */
export function regionOfLocation(locationConstraint: string | undefined | null): string {
  if (!locationConstraint) return 'us-east-1';
  if (locationConstraint === 'EU') return 'eu-west-1';
  return locationConstraint;
}

async function listBuckets(ctx: CollectorContext): Promise<BucketListing> {
  const client = ctx.clients.get(S3Client, ctx.region);
  const listed: SdkBucket[] = [];
  try {
    // No page size: without MaxBuckets, S3 returns every bucket (and a ContinuationToken only when it
    // splits a very large account itself), while moto truncates at MaxBuckets and gives no token to
    // continue from. The paginator stops when a response has no ContinuationToken.
    for await (const page of paginateListBuckets({ client }, {})) listed.push(...(page.Buckets ?? []));
  } catch (error) {
    return { ok: false, operation: s3Calls.listBuckets.operation, error };
  }

  let failure: { operation: string; error: unknown } | undefined;
  const buckets = await mapWithConcurrency(
    listed.filter((b): b is SdkBucket & { Name: string } => !!b.Name),
    ctx.concurrency,
    async (b): Promise<ListedBucket | undefined> => {
      let region = b.BucketRegion;
      if (!region) {
        if (failure) return undefined;
        try {
          const location = await client.send(new GetBucketLocationCommand({ Bucket: b.Name }));
          region = regionOfLocation(location.LocationConstraint);
        } catch (error) {
          failure ??= { operation: s3Calls.getBucketLocation.operation, error };
          return undefined;
        }
      }
      return { name: b.Name, region, ...(b.CreationDate ? { createdAt: iso(b.CreationDate) } : {}) };
    },
  );
  if (failure) return { ok: false, ...failure };
  return { ok: true, buckets: buckets.filter((b): b is ListedBucket => !!b) };
}

function publicAccessBlockOf(c: PublicAccessBlockConfiguration | undefined): PublicAccessBlock {
  return {
    blockPublicAcls: c?.BlockPublicAcls ?? false,
    ignorePublicAcls: c?.IgnorePublicAcls ?? false,
    blockPublicPolicy: c?.BlockPublicPolicy ?? false,
    restrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
  };
}

async function bucketOf(ctx: CollectorContext, client: S3Client, listed: ListedBucket): Promise<Bucket> {
  const Bucket = listed.name;
  // One call after another per bucket: `ctx.concurrency` then bounds the calls in flight.
  const versioning = await readField(
    ctx,
    's3.buckets',
    s3Calls.getBucketVersioning.operation,
    Bucket,
    async () => {
      const response = await client.send(new GetBucketVersioningCommand({ Bucket }));
      return {
        status: response.Status === 'Enabled' || response.Status === 'Suspended' ? response.Status : 'Never',
        ...(response.MFADelete ? { mfaDelete: response.MFADelete === 'Enabled' } : {}),
      } as const;
    },
  );
  const publicAccessBlock = await readField(
    ctx,
    's3.buckets',
    s3Calls.getPublicAccessBlock.operation,
    Bucket,
    async () => {
      try {
        const response = await client.send(new GetPublicAccessBlockCommand({ Bucket }));
        return publicAccessBlockOf(response.PublicAccessBlockConfiguration);
      } catch (error) {
        if (errorCode(error) === 'NoSuchPublicAccessBlockConfiguration') return null;
        throw error;
      }
    },
  );
  const encryption = !ctx.details
    ? undefined
    : await readField(ctx, 's3.buckets', s3Calls.getBucketEncryption.operation, Bucket, async () => {
        try {
          const response = await client.send(new GetBucketEncryptionCommand({ Bucket }));
          const rules = response.ServerSideEncryptionConfiguration?.Rules ?? [];
          const algorithm = rules
            .map((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm)
            .find((a) => !!a);
          return algorithm ?? null;
        } catch (error) {
          if (errorCode(error) === 'ServerSideEncryptionConfigurationNotFoundError') return null;
          throw error;
        }
      });
  return {
    name: listed.name,
    region: listed.region,
    ...(listed.createdAt ? { createdAt: listed.createdAt } : {}),
    ...(versioning ? { versioning: versioning.status } : {}),
    ...(versioning?.mfaDelete !== undefined ? { mfaDelete: versioning.mfaDelete } : {}),
    ...(publicAccessBlock !== undefined ? { publicAccessBlock } : {}),
    ...(encryption !== undefined ? { encryption } : {}),
  };
}

export async function collectBuckets(ctx: CollectorContext): Promise<SourceResult<Bucket>> {
  return readSource(ctx, 's3.buckets', s3Calls.listBuckets.operation, async (setOperation) => {
    const listing = await ctx.account.once(s3Calls.listBuckets.operation, () => listBuckets(ctx));
    if (!listing.ok) {
      setOperation(listing.operation);
      throw listing.error;
    }
    const here = listing.buckets.filter((b) => b.region === ctx.region);
    const client = ctx.clients.get(S3Client, ctx.region);
    return mapWithConcurrency(here, ctx.concurrency, (b) => bucketOf(ctx, client, b));
  });
}

async function readAccountPublicAccessBlock(ctx: CollectorContext): Promise<AccountPublicAccessBlock> {
  const client = ctx.clients.get(S3ControlClient, ctx.region);
  try {
    const response = await client.send(new GetAccountPublicAccessBlockCommand({ AccountId: ctx.accountId }));
    return {
      accountId: ctx.accountId,
      publicAccessBlock: publicAccessBlockOf(response.PublicAccessBlockConfiguration),
    };
  } catch (error) {
    if (errorCode(error) === 'NoSuchPublicAccessBlockConfiguration') {
      return { accountId: ctx.accountId, publicAccessBlock: null };
    }
    throw error;
  }
}

export async function collectAccountPublicAccessBlock(
  ctx: CollectorContext,
): Promise<SourceResult<AccountPublicAccessBlock>> {
  // The source id and the service prefix tell this call from the bucket-level one in the error.
  const call = s3Calls.getAccountPublicAccessBlock;
  return readSource(ctx, 's3.accountPublicAccessBlock', call.operation, async () => [
    await ctx.account.once(call.operation, () => readAccountPublicAccessBlock(ctx)),
  ]);
}

export const s3Collector: Collector = {
  name: 's3',
  produces: ['s3.buckets', 's3.accountPublicAccessBlock'],
  calls: Object.values(s3Calls),
  async collect(ctx, wanted: ReadonlySet<SourceId>): Promise<Sources> {
    const [buckets, accountPublicAccessBlock] = await Promise.all([
      wanted.has('s3.buckets') ? collectBuckets(ctx) : undefined,
      wanted.has('s3.accountPublicAccessBlock') ? collectAccountPublicAccessBlock(ctx) : undefined,
    ]);
    return {
      ...(buckets ? { 's3.buckets': buckets } : {}),
      ...(accountPublicAccessBlock ? { 's3.accountPublicAccessBlock': accountPublicAccessBlock } : {}),
    };
  },
};
