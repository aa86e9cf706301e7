import type { Rule } from '../../src/engine/types.ts';
import { sh } from '../lib/shell.ts';

/**
 * Settings under which most tags can be moved. `MUTABLE_WITH_EXCLUSION` pins only the tags its
 * exclusion filters name and leaves every other tag movable, so it counts; `IMMUTABLE_WITH_EXCLUSION`
 * is the reverse (a few named tags such as `latest` stay movable) and does not.
 */
const mutableSettings = new Set(['MUTABLE', 'MUTABLE_WITH_EXCLUSION']);

export const rule: Rule = {
  id: 'ecr-repository-tags-mutable',
  title: 'ECR repository allows image tags to be overwritten',
  service: 'ecr',
  resourceType: 'AwsEcrRepository',
  severity: 'low',
  description:
    'Fires when a private ECR repository has tag mutability `MUTABLE`, or `MUTABLE_WITH_EXCLUSION` ' +
    '(every tag but the excluded ones can be moved).',
  risk:
    'With mutable tags, pushing an image re-points an existing tag such as `v1.4.2` at different content: ' +
    'a deployment that pulls by tag can silently run something other than what was tested or approved, ' +
    'and a leaked push credential can replace a release in place.',
  remediation: {
    console: [
      'Open the Amazon ECR console, choose Private registry, Repositories, and the repository.',
      'Choose Actions, Edit, set Image tag mutability to Immutable (with exclusions for tags like `latest` if you need them) and save.',
    ],
    cli: 'aws ecr put-image-tag-mutability --repository-name <repository> --image-tag-mutability IMMUTABLE',
  },
  references: {
    securityHub: 'ECR.2',
    docs: [
      'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html#ecr-2',
    ],
  },
  requires: ['ecr.repositories'],
  scope(snapshot) {
    const repositories = snapshot.sources['ecr.repositories'];
    if (!repositories?.ok) return [];
    return repositories.items
      .filter((r) => r.imageTagMutability !== undefined)
      .map((r) => ({ id: r.repositoryName, tags: r.tags }));
  },
  evaluate(snapshot) {
    const repositories = snapshot.sources['ecr.repositories'];
    if (!repositories?.ok) return [];
    return repositories.items
      .filter((r) => r.imageTagMutability !== undefined && mutableSettings.has(r.imageTagMutability))
      .map((r) => ({
        resourceId: r.repositoryName,
        resourceArn: r.repositoryArn,
        message:
          r.imageTagMutability === 'MUTABLE'
            ? `ECR repository ${r.repositoryName} lets a push overwrite any existing image tag.`
            : `ECR repository ${r.repositoryName} lets a push overwrite every image tag its exclusion filters do not pin.`,
        evidence: { imageTagMutability: r.imageTagMutability },
        cli: sh`aws ecr put-image-tag-mutability --repository-name ${r.repositoryName} --region ${snapshot.region} --image-tag-mutability IMMUTABLE`,
      }));
  },
};
