import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ecrRegistryOf,
  IMAGE_REFERENCE_MAX_LENGTH,
  imagesByRegistry,
  isRegionName,
  parseImageReference,
  registryLabel,
} from '../../../src/inventory/image-reference.ts';

describe('parseImageReference', () => {
  it.each([
    [
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.4.1',
      {
        registry: {
          kind: 'ecr',
          host: '111111111111.dkr.ecr.eu-west-1.amazonaws.com',
          accountId: '111111111111',
          region: 'eu-west-1',
        },
        repository: 'payments/api',
        tag: '2.4.1',
      },
    ],
    [
      '222222222222.dkr.ecr-fips.us-gov-west-1.amazonaws.com/base@sha256:0123abcd',
      {
        registry: {
          kind: 'ecr',
          host: '222222222222.dkr.ecr-fips.us-gov-west-1.amazonaws.com',
          accountId: '222222222222',
          region: 'us-gov-west-1',
        },
        repository: 'base',
        digest: 'sha256:0123abcd',
      },
    ],
    [
      '333333333333.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1',
      {
        registry: { kind: 'ecr', accountId: '333333333333', region: 'cn-north-1' },
        repository: 'app',
        tag: '1',
      },
    ],
    [
      '444444444444.dkr-ecr.ap-southeast-7.on.aws/app:latest',
      { registry: { kind: 'ecr', accountId: '444444444444', region: 'ap-southeast-7' }, repository: 'app' },
    ],
    [
      'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
      {
        registry: { kind: 'ecr-public', host: 'public.ecr.aws' },
        repository: 'aws-observability/aws-for-fluent-bit',
        tag: 'stable',
      },
    ],
    ['nginx', { registry: { kind: 'other', host: 'docker.io' }, repository: 'library/nginx' }],
    [
      'nginx:1.27',
      { registry: { kind: 'other', host: 'docker.io' }, repository: 'library/nginx', tag: '1.27' },
    ],
    [
      'bitnami/redis:7.2',
      { registry: { kind: 'other', host: 'docker.io' }, repository: 'bitnami/redis', tag: '7.2' },
    ],
    [
      'index.docker.io/library/busybox',
      { registry: { kind: 'other', host: 'docker.io' }, repository: 'library/busybox' },
    ],
    [
      'ghcr.io/acme/agent:v3',
      { registry: { kind: 'other', host: 'ghcr.io' }, repository: 'acme/agent', tag: 'v3' },
    ],
    [
      'registry.corp.example:5000/team/app:1.0',
      { registry: { kind: 'other', host: 'registry.corp.example:5000' }, repository: 'team/app', tag: '1.0' },
    ],
    ['localhost/dev/app', { registry: { kind: 'other', host: 'localhost' }, repository: 'dev/app' }],
    // Not ECR: a look-alike host is another registry.
    [
      '111111111111.dkr.ecr.eu-west-1.amazonaws.com.evil.example/app',
      { registry: { kind: 'other', host: '111111111111.dkr.ecr.eu-west-1.amazonaws.com.evil.example' } },
    ],
    ['12345.dkr.ecr.eu-west-1.amazonaws.com/app', { registry: { kind: 'other' } }],
  ])('reads %s', (reference, expected) => {
    // Act
    const image = parseImageReference('app', reference);

    // Assess
    expect(image).toMatchObject({ container: 'app', image: reference, ...expected });
  });

  it('keeps at most IMAGE_REFERENCE_MAX_LENGTH characters of a hostile reference, and reads it in linear time', () => {
    // Prepare: long runs of the characters the reader looks for.
    const hostile = `${'a.'.repeat(200_000)}/${':'.repeat(200_000)}@${'/'.repeat(200_000)}`;

    // Act
    const started = performance.now();
    const image = parseImageReference('x', hostile);
    const elapsed = performance.now() - started;

    // Assess
    expect(image.image).toHaveLength(IMAGE_REFERENCE_MAX_LENGTH);
    expect(elapsed).toBeLessThan(100);
  });

  it('never throws and never returns more than the bound, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), (text) => {
        const image = parseImageReference('c', text);
        expect(image.image.length).toBeLessThanOrEqual(IMAGE_REFERENCE_MAX_LENGTH);
        expect(image.repository.length).toBeLessThanOrEqual(IMAGE_REFERENCE_MAX_LENGTH);
        expect(['ecr', 'ecr-public', 'other']).toContain(image.registry.kind);
      }),
    );
  });
});

describe('ecrRegistryOf and isRegionName', () => {
  it('accepts region names of every shape AWS uses, and nothing else', () => {
    expect(
      ['eu-west-1', 'us-gov-west-1', 'ap-southeast-7', 'cn-northwest-1', 'mx-central-1'].every(isRegionName),
    ).toBe(true);
    expect(['eu-west', 'eu-west-1a', 'EU-west-1', 'e-west-1', 'eu--1', ''].some(isRegionName)).toBe(false);
  });

  it('tells the account and region of an ECR host only', () => {
    expect(ecrRegistryOf('111111111111.DKR.ECR.eu-west-1.amazonaws.com')).toEqual({
      accountId: '111111111111',
      region: 'eu-west-1',
    });
    expect(ecrRegistryOf('111111111111.dkr.ecr.eu-west-1.example.com')).toBeUndefined();
    expect(ecrRegistryOf('public.ecr.aws')).toBeUndefined();
  });
});

describe('imagesByRegistry', () => {
  it('groups images by registry in first-seen order, marking ECR registries of other accounts', () => {
    // Prepare
    const images = [
      parseImageReference('api', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/api:1'),
      parseImageReference('worker', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/worker:1'),
      parseImageReference('shared', '999999999999.dkr.ecr.eu-west-1.amazonaws.com/base:1'),
      parseImageReference('log', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable'),
      parseImageReference('proxy', 'envoyproxy/envoy:v1.30'),
    ];

    // Act
    const grouped = imagesByRegistry(images, '111111111111');

    // Assess
    expect(grouped).toBe(
      'ECR 111111111111 eu-west-1 ×2, ECR 999999999999 eu-west-1 (other account) ×1, ECR Public ×1, docker.io ×1',
    );
    expect(registryLabel({ kind: 'other', host: 'ghcr.io' })).toBe('ghcr.io');
  });
});
