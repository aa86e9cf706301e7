#!/usr/bin/env node
// Runs the CLI built into plain JavaScript (dist/cli/, built by `npm ci`; rebuilt here first when
// a source changed since), which starts in a fraction of a second. Without esbuild to build it
// (a production install), it runs the TypeScript sources through tsx: the same CLI, slower to start.
import { pathToFileURL } from 'node:url';
import { builtCli } from '../scripts/build-cli.js';

const entry = await builtCli();
if (entry) {
  const { runCli } = await import(pathToFileURL(entry).href);
  await runCli(process.argv.slice(2));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { runCli } = await import('../src/cli/main.ts');
  await runCli(process.argv.slice(2));
}
