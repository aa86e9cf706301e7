/**
 * A regression corpus of real AMI records: the public image catalogues the pinned moto ships
 * (`ec2/resources/amis.json.gz`, `latest_amis/<region>.json.gz`, the ECS-optimized lists under
 * `ec2/resources/ecs/` and `ssm/resources/ecs/`). Every distinct AMI name goes through OS detection
 * and then the lifecycle verdict; the counts per family and version, each verdict kind and every
 * "unknown" reason are compared with the committed summary `test/fixtures/os-detection-corpus.json`,
 * so a change in how any real name is read shows up in review. Regenerate it after a deliberate
 * change with `npx vitest run --project integration test/integration/inventory/os-detection-corpus.test.ts -u`
 * and read the diff.
 *
 * It is an integration test because moto is installed by the emulator set-up (`.venv`); it makes no
 * AWS call.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MOTO_VERSION, motoPackageDir } from '../../../scripts/emulator/moto.ts';
import { osFromImage } from '../../../src/inventory/os-detection.ts';
import type { DetectedOs } from '../../../src/inventory/types.ts';
import { lifecycleCatalogue } from '../../../src/lifecycle/catalogue.ts';
import { type OsVerdict, osReadingOf, osVerdict } from '../../../src/lifecycle/verdict.ts';

/** An AMI as moto's catalogues store it (snake_case, as DescribeImages returns it in Python). */
interface MotoAmi {
  ami_id: string;
  name: string;
  description?: string;
  owner_id?: string;
  /** `windows`, `Linux/UNIX` or null. */
  platform?: string | null;
}

const readGzipJson = (path: string): unknown => JSON.parse(gunzipSync(readFileSync(path)).toString('utf8'));

const gzipFilesIn = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json.gz'))
    .sort()
    .map((f) => join(dir, f));

/** `image_name` of every parameter in an SSM ECS-optimized list (those name images only). */
function ssmImageNames(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(ssmImageNames);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'image_name' && typeof value === 'string' ? [value] : ssmImageNames(value),
  );
}

/** One record per AMI name (regions repeat names), the one with the smallest id, so runs agree. */
function loadCorpus(moto: string): { files: string[]; images: MotoAmi[] } {
  const ec2 = join(moto, 'ec2', 'resources');
  const ec2Files = [
    join(ec2, 'amis.json.gz'),
    ...gzipFilesIn(join(ec2, 'latest_amis')),
    ...gzipFilesIn(join(ec2, 'ecs', 'optimized_amis')),
  ];
  const ssmFiles = gzipFilesIn(join(moto, 'ssm', 'resources', 'ecs', 'optimized_amis'));
  const byName = new Map<string, MotoAmi>();
  const keep = (image: MotoAmi) => {
    const seen = byName.get(image.name);
    if (!seen || image.ami_id < seen.ami_id) byName.set(image.name, image);
  };
  for (const file of ec2Files) for (const image of readGzipJson(file) as MotoAmi[]) keep(image);
  // A name these lists alone carry becomes a record with only its name.
  const described = new Set(byName.keys());
  for (const file of ssmFiles) {
    for (const name of ssmImageNames(readGzipJson(file))) {
      if (!described.has(name)) keep({ ami_id: `ssm-parameter:${name}`, name });
    }
  }
  const files = [...ec2Files, ...ssmFiles].map((f) => f.slice(moto.length + 1));
  return { files, images: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

function detect(image: MotoAmi): DetectedOs {
  return osFromImage({
    imageId: image.ami_id,
    name: image.name,
    ...(image.description ? { description: image.description } : {}),
    ...(image.owner_id ? { ownerId: image.owner_id } : {}),
    ...(image.platform ? { platformDetails: image.platform === 'windows' ? 'Windows' : image.platform } : {}),
  });
}

const sortedObject = <T>(entries: Iterable<[string, T]>): Record<string, T> =>
  Object.fromEntries([...entries].sort(([a], [b]) => a.localeCompare(b)));

/** The verdict kinds that answer the question "past its end or not". */
const answered = new Set<OsVerdict['kind']>(['catalogued', 'inferred']);

interface Result {
  image: MotoAmi;
  os: DetectedOs;
  verdict: OsVerdict | undefined;
}

describe('OS detection over the real AMI records moto ships', () => {
  let files: string[] = [];
  let results: Result[] = [];

  beforeAll(() => {
    // Prepare
    const corpus = loadCorpus(motoPackageDir());
    files = corpus.files;
    // As of the catalogue's own date, so the summary moves only when the catalogue or detection does.
    const asOf = new Date(`${lifecycleCatalogue.date}T00:00:00Z`);

    // Act
    results = corpus.images.map((image) => {
      const os = detect(image);
      // The same reading and verdict the end-of-life rules use.
      const verdict = os.known ? osVerdict(osReadingOf(os), lifecycleCatalogue, asOf, 90) : undefined;
      return { image, os, verdict };
    });
  });

  it('reads the same families, versions and reasons as the reviewed summary', async () => {
    // Assess
    const byVersion = new Map<string, { images: number; verdict: string; example: string }>();
    const unknownReasons = new Map<string, number>();
    for (const { image, os, verdict } of results) {
      if (!os.known) {
        unknownReasons.set(os.reason, (unknownReasons.get(os.reason) ?? 0) + 1);
        continue;
      }
      const key = `${os.family}/${os.version}`;
      const seen = byVersion.get(key);
      if (seen) seen.images++;
      else byVersion.set(key, { images: 1, verdict: verdict?.kind ?? 'none', example: image.name });
    }
    const known = results.filter((r) => r.os.known).length;
    const summary = {
      corpus: `moto ${MOTO_VERSION}: one record per distinct AMI name`,
      files: files.length,
      records: results.length,
      detected: known,
      unknown: results.length - known,
      byVersion: sortedObject(byVersion),
      unknownReasons: sortedObject(unknownReasons),
    };
    await expect(`${JSON.stringify(summary, null, 2)}\n`).toMatchFileSnapshot(
      '../../fixtures/os-detection-corpus.json',
    );
  });

  it('gives every image whose family and version were read a lifecycle verdict', () => {
    // Assess
    const unanswered = results.flatMap(({ image, os, verdict }) =>
      os.known && !(verdict && answered.has(verdict.kind))
        ? [`${image.name} → ${os.family}/${os.version}: ${verdict?.kind} ${JSON.stringify(verdict)}`]
        : [],
    );
    expect(unanswered).toEqual([]);
  });

  it('reads far more of the corpus than it leaves unknown', () => {
    // Assess: a guard against a broken loader or reader that would make the summary vacuous.
    expect(results.length).toBeGreaterThan(1000);
    expect(results.filter((r) => r.os.known).length / results.length).toBeGreaterThan(0.95);
  });
});
