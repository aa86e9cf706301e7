/**
 * Each function bundles only what its handler uses: its own wiring module (src/lambda/wiring/)
 * makes its clients, so notify carries SNS and not the scanner, the Slack forwarder SSM alone, and
 * no function that parses no configuration file carries yaml. Built as packaging builds them
 * (serverless.yml's esbuild options and plugins; bench/bundles.ts measures their size and start).
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const plugins = createRequire(join(projectRoot, 'package.json'))(
  join(projectRoot, 'scripts', 'esbuild-plugins.cjs'),
) as Plugin[];

/** The packages (and estatescan folders) that put bytes into a function's bundle. */
async function contentsOf(name: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [join(projectRoot, 'functions', `${name}.ts`)],
    bundle: true,
    minify: true,
    treeShaking: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    plugins,
    write: false,
    metafile: true,
    outdir: join(projectRoot, '.bundle-contents-test'),
    logLevel: 'error',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
  return new Set(
    Object.entries(output?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(
        ([file]) =>
          /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/'),
      ),
  );
}

const scanner = [
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-sfn',
  '@aws-sdk/client-sts',
  '@aws-sdk/client-s3-control',
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-s3',
  'yaml',
];

describe('lean bundles: each function carries what its handler uses', () => {
  it.each([
    ['notify', ['@aws-sdk/client-sns'], [...scanner, '@aws-sdk/client-ssm']],
    [
      'slack-forwarder',
      ['@aws-sdk/client-ssm'],
      [...scanner, '@aws-sdk/client-sns', '@aws-sdk/util-dynamodb'],
    ],
    ['summarize', ['@aws-sdk/client-dynamodb'], scanner.filter((p) => p !== '@aws-sdk/client-dynamodb')],
    // plan parses the deployed configuration (yaml) and lists regions (EC2); it reads no S3 Control
    [
      'plan',
      ['yaml', '@aws-sdk/client-ec2', '@aws-sdk/client-s3'],
      ['@aws-sdk/client-s3-control', '@aws-sdk/client-sfn'],
    ],
  ])('%s', { timeout: 60_000 }, async (name, present, absent) => {
    // Act
    const contents = await contentsOf(name);

    // Assess
    for (const pkg of present) expect(contents, `${name} lacks ${pkg}`).toContain(pkg);
    expect(absent.filter((pkg) => contents.has(pkg))).toEqual([]);
  });
});
