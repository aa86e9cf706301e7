/**
 * The built CLI loads each command, and each AWS SDK client, only when it runs: checked on the
 * bundle's own metafile (what each output file imports before any of its code runs), so a static
 * import that would put the SDK back on `--help`'s path fails here, not in a benchmark.
 */
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBuildOptions } from '../../../scripts/build-cli.js';

let metafile: Metafile;

beforeAll(async () => {
  ({ metafile } = await build({ ...cliBuildOptions, write: false, metafile: true, logLevel: 'silent' }));
});

/** The output file a source module starts (the entry, or a dynamically imported command). */
function outputOf(entryPoint: string): string {
  const found = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === entryPoint);
  if (!found) throw new Error(`no output starts at ${entryPoint}`);
  return found[0];
}

/** Packages an output loads when it is imported: its static imports, followed through its chunks. */
function packagesLoadedBy(output: string): string[] {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) packages.add(imported.path);
      else visit(imported.path);
    }
  };
  visit(output);
  return [...packages].filter((p) => !p.startsWith('node:')).sort();
}

describe('the built CLI', () => {
  it('answers --help and --version with Node alone: no package is loaded', () => {
    expect(packagesLoadedBy(outputOf('src/cli/main.ts'))).toEqual([]);
  });

  it('lists the rules without any package', () => {
    expect(packagesLoadedBy(outputOf('src/cli/commands/rules.ts'))).toEqual([]);
  });

  it('checks scan options without the AWS SDK, which comes with the run', () => {
    // Act
    const options = packagesLoadedBy(outputOf('src/cli/commands/scan.ts'));
    const run = packagesLoadedBy(outputOf('src/cli/commands/scan-run.ts'));

    // Assess
    expect(options.filter((p) => p.startsWith('@aws-sdk/'))).toEqual([]);
    expect(run).toContain('@aws-sdk/client-ec2');
    // The store, the alerts topic and Security Hub only with --table, --topic, --security-hub.
    for (const optional of [
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-sns',
      '@aws-sdk/client-securityhub',
    ]) {
      expect(run).not.toContain(optional);
    }
  });

  it('loads each command apart, and the inventory and findings clients only past --help', () => {
    for (const command of ['scan', 'rules', 'inventory', 'findings', 'config']) {
      expect(outputOf(`src/cli/commands/${command}.ts`)).toMatch(/^dist\/cli\/chunks\//);
    }
    for (const command of ['inventory', 'findings']) {
      expect(
        packagesLoadedBy(outputOf(`src/cli/commands/${command}.ts`)).filter((p) => p.startsWith('@aws-sdk/')),
      ).toEqual([]);
    }
  });
});
