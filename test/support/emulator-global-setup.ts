import type { TestProject } from 'vitest/node';
import { type RunningEmulator, startMoto } from '../../scripts/emulator/moto.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    emulatorEndpoint: string;
  }
}

let emulator: RunningEmulator | undefined;

export async function setup(project: TestProject): Promise<void> {
  emulator = await startMoto();
  project.provide('emulatorEndpoint', emulator.endpoint);
}

export async function teardown(): Promise<void> {
  await emulator?.stop();
}
