/**
 * Container image references (`[host[:port]/]path[:tag][@digest]`, the Docker reference grammar),
 * read into the registry they are pulled from: an ECR private registry, with its account and region
 * taken from the host (`<account>.dkr.ecr.<region>.amazonaws.com`, its FIPS, China and dual-stack
 * forms), ECR Public (`public.ecr.aws`), or another registry (`docker.io` when the reference names
 * none, as `nginx:1.27` does).
 *
 * References are written by whoever controls a member account's task definitions, so the reader is
 * plain string scanning over a bounded prefix: no regular expression, nothing that can take longer
 * than one pass.
 */
import type { ContainerImage, ImageRegistry } from './types.ts';

/** Characters of a reference kept and read: ECS accepts 255, registries rarely more than a few hundred. */
export const IMAGE_REFERENCE_MAX_LENGTH = 1024;

/** The host a reference without one is pulled from, and that host's other names. */
export const DOCKER_HUB = 'docker.io';
const dockerHubAliases = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

export const ECR_PUBLIC_HOST = 'public.ecr.aws';

const isDigit = (c: string) => c >= '0' && c <= '9';
const isLower = (c: string) => c >= 'a' && c <= 'z';

function allChars(text: string, test: (c: string) => boolean): boolean {
  if (!text) return false;
  for (const c of text) if (!test(c)) return false;
  return true;
}

/** `eu-west-1`, `us-gov-west-1`, `ap-southeast-7`, `cn-north-1`: letters, words, a number. */
export function isRegionName(text: string): boolean {
  const parts = text.split('-');
  if (parts.length < 3) return false;
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  return (
    first.length === 2 &&
    allChars(first, isLower) &&
    allChars(last, isDigit) &&
    parts.slice(1, -1).every((p) => allChars(p, isLower))
  );
}

/**
 * The ECR private registry a host names, or undefined:
 * `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]` or `<account>.dkr-ecr[-fips].<region>.on.aws`.
 */
export function ecrRegistryOf(host: string): { accountId: string; region: string } | undefined {
  const labels = host.toLowerCase().split('.');
  const [account = '', second = '', third = '', fourth = ''] = labels;
  if (account.length !== 12 || !allChars(account, isDigit)) return undefined;
  let region: string;
  let rest: string;
  if (second === 'dkr' && (third === 'ecr' || third === 'ecr-fips')) {
    region = fourth;
    rest = labels.slice(4).join('.');
    if (rest !== 'amazonaws.com' && rest !== 'amazonaws.com.cn') return undefined;
  } else if (second === 'dkr-ecr' || second === 'dkr-ecr-fips') {
    region = third;
    rest = labels.slice(3).join('.');
    if (rest !== 'on.aws') return undefined;
  } else {
    return undefined;
  }
  return isRegionName(region) ? { accountId: account, region } : undefined;
}

/** Whether the first path component of a reference is a registry host (Docker's rule). */
function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

function registryOf(host: string): ImageRegistry {
  const lower = host.toLowerCase();
  if (lower === ECR_PUBLIC_HOST) return { kind: 'ecr-public', host: ECR_PUBLIC_HOST };
  if (dockerHubAliases.has(lower)) return { kind: 'other', host: DOCKER_HUB };
  const ecr = ecrRegistryOf(lower);
  if (ecr) return { kind: 'ecr', host: lower, ...ecr };
  return { kind: 'other', host: lower };
}

/** Reads an image reference; `container` is the container definition's name. */
export function parseImageReference(container: string, reference: string): ContainerImage {
  const image = reference.trim().slice(0, IMAGE_REFERENCE_MAX_LENGTH);
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;

  const slash = named.indexOf('/');
  const first = slash >= 0 ? named.slice(0, slash) : '';
  const hasHost = slash >= 0 && looksLikeHost(first);
  const host = hasHost ? first : DOCKER_HUB;
  const path = hasHost ? named.slice(slash + 1) : named;

  // A tag follows the last colon of the last path component (a colon before a slash is a port).
  const lastSlash = path.lastIndexOf('/');
  const colon = path.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? path.slice(0, colon) : path;
  const tag = colon >= 0 ? path.slice(colon + 1) : undefined;

  const registry = registryOf(host);
  // Docker Hub's official images live under `library/`.
  const repository = registry.host === DOCKER_HUB && name && !name.includes('/') ? `library/${name}` : name;
  return {
    container,
    image,
    registry,
    repository,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/**
 * A short label for a registry, for grouping: `ECR 111111111111 eu-west-1`, `ECR Public`,
 * `docker.io`, `ghcr.io`.
 */
export function registryLabel(registry: ImageRegistry): string {
  switch (registry.kind) {
    case 'ecr':
      return `ECR ${registry.accountId} ${registry.region}`;
    case 'ecr-public':
      return 'ECR Public';
    case 'other':
      return registry.host;
  }
}

/**
 * The images grouped by registry, in first-seen order: `ECR 111111111111 eu-west-1 ×2, docker.io ×1`.
 * An ECR registry of another account than `accountId` is marked `(other account)`.
 */
export function imagesByRegistry(images: readonly ContainerImage[], accountId?: string): string {
  const counts = new Map<string, number>();
  for (const image of images) {
    const crossAccount =
      image.registry.kind === 'ecr' && accountId !== undefined && image.registry.accountId !== accountId;
    const label = `${registryLabel(image.registry)}${crossAccount ? ' (other account)' : ''}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${label} ×${n}`).join(', ');
}
