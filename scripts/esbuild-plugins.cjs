/**
 * esbuild plugins for the Lambda bundles (serverless.yml's `custom.esbuild.plugins`, and
 * bench/bundles.ts). CommonJS because serverless-esbuild `require`s this file under plain Node.
 *
 * inline-sdk-schema-keys: the AWS SDK v3 clients describe every shape of their API in one
 * `schemas_0.js`, as arrays whose trait objects use computed keys (`{ [_xN]: _VEIp }`, `_xN` being a
 * string constant used thousands of times). esbuild only inlines a constant used once, and a
 * computed key it cannot see is a string may run code (`toString`), so it keeps every schema: EC2's
 * alone adds 540 KiB to any bundle that uses EC2Client, whatever the commands it sends. Writing
 * those keys as the string literals they are makes the arrays pure again, and tree shaking keeps
 * only the shapes of the commands the code sends. Nothing else changes: a key `[_xN]` becomes
 * `["xmlName"]`, the same value. If a future SDK lays the file out differently the plugin finds no
 * constants and changes nothing (the bundle is only bigger).
 */
'use strict';

const { readFile } = require('node:fs/promises');

const schemaFile =
  /[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](?:submodules[\\/][^\\/]+[\\/])?schemas[\\/]schemas_\d+\.js$/;
const stringConstant = /^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;
const computedKey = /\[(_\w+)\]:/g;

/** @returns {import('esbuild').Plugin} */
function inlineSdkSchemaKeys() {
  return {
    name: 'inline-sdk-schema-keys',
    setup(build) {
      build.onLoad({ filter: schemaFile }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const constants = new Map();
        for (const [, name, value] of source.matchAll(stringConstant)) constants.set(name, value);
        const contents = source.replace(computedKey, (whole, name) =>
          constants.has(name) ? `[${constants.get(name)}]:` : whole,
        );
        return { contents, loader: 'js' };
      });
    },
  };
}

module.exports = [inlineSdkSchemaKeys()];
