/** Types of build-cli.js (plain JavaScript, which the bin imports without tsx). */
import type { BuildOptions } from 'esbuild';

export declare const outDir: string;
export declare const cliBuildOptions: BuildOptions;
/** Whether dist/cli holds a build at least as new as every file it was built from. */
export declare function isFresh(): boolean;
/** Builds the CLI into dist/cli/; returns the entry's path. */
export declare function buildCli(): Promise<string>;
/** The entry of an up-to-date build, building it first when needed; undefined without esbuild. */
export declare function builtCli(): Promise<string | undefined>;
