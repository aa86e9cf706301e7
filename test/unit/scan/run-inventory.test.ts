import { describe, expect, it } from 'vitest';
import { targetOutcome } from '../../../src/scan/run-inventory.ts';
import { collectionFailure, failed, makeInstance, makeSnapshot, ok } from '../../fixtures/snapshot.ts';

describe('targetOutcome', () => {
  it('is ok when every source was read and no call failed', () => {
    // Prepare
    const snapshot = makeSnapshot({ 'ec2.instances': ok([makeInstance()]), 's3.buckets': ok([]) });

    // Act
    const outcome = targetOutcome(snapshot);

    // Assess
    expect(outcome).toBe('ok');
  });

  it('is partial when some source failed and another was read', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ec2.instances': ok([makeInstance()]),
      's3.buckets': failed(collectionFailure('s3.buckets', 's3:ListBuckets')),
    });

    // Act
    const outcome = targetOutcome(snapshot);

    // Assess
    expect(outcome).toBe('partial');
  });

  it('is partial when every source was read but a per-item call failed', () => {
    // Prepare
    const snapshot = makeSnapshot(
      { 's3.buckets': ok([]) },
      {
        errors: [
          collectionFailure('s3.buckets', 's3:GetBucketVersioning', 'AccessDenied', {
            resourceId: 'estatescan-logs-eu',
          }),
        ],
      },
    );

    // Act
    const outcome = targetOutcome(snapshot);

    // Assess
    expect(outcome).toBe('partial');
  });

  it('is failed when no source could be read', () => {
    // Prepare
    const snapshot = makeSnapshot({
      'ec2.instances': failed(collectionFailure('ec2.instances', 'ec2:DescribeInstances', 'AuthFailure')),
      's3.buckets': failed(collectionFailure('s3.buckets', 's3:ListBuckets', 'AuthFailure')),
    });

    // Act
    const outcome = targetOutcome(snapshot);

    // Assess
    expect(outcome).toBe('failed');
  });

  it('is ok for a snapshot that collected nothing and met no error', () => {
    // Act
    const outcome = targetOutcome(makeSnapshot({}));

    // Assess
    expect(outcome).toBe('ok');
  });
});
