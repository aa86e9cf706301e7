/**
 * What every benchmark part measures with: peak memory sampling, a full garbage collection before
 * reading retained heap, the machine line, and the units the reports print in.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemoryPeak {
  rss: number;
  heapUsed: number;
}

/**
 * Samples RSS and heap on an interval (`resourceUsage().maxRSS` alone would include seeding), and on
 * demand: a synchronous loop never lets the interval fire, so such loops call `sample()` themselves.
 */
export function memorySampler(intervalMs = 50) {
  const peak: MemoryPeak = { rss: 0, heapUsed: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    sample,
    stop(): MemoryPeak {
      clearInterval(timer);
      sample();
      return { ...peak };
    },
  };
}

/**
 * A full garbage collection, so "heap retained" measures what the data holds rather than when V8
 * last collected. The parts run with `--expose-gc` when `bench/run.ts` starts them; run directly
 * through tsx they cannot, so this enables it at run time for a new context.
 */
export function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) {
    exposed();
    return;
  }
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Heap used after a full collection. */
export function retainedHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

export const MB = 1024 * 1024;
export const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const percent = (part: number, whole: number) =>
  whole > 0 ? `${((part / whole) * 100).toFixed(part / whole < 0.1 ? 2 : 1)}%` : '—';
export const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

export function machineLine(): string {
  return (
    `node ${process.version}, ${availableParallelism()} cores ` +
    `(${cpus()[0]?.model.trim() ?? 'unknown cpu'}), ${mb(totalmem())} RAM, ` +
    `load average ${loadavg()[0]?.toFixed(2)} at start`
  );
}

/** Writes a part's figures for `bench/run.ts`, which combines them into the growth table. */
export async function writeResult(path: string | undefined, result: unknown): Promise<void> {
  if (!path) return;
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
}
