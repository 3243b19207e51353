/**
 * What the benchmarks share: `tandem` in a process of its own, stopping a server, a percentile and
 * numbers as the figures print them. (Named with a leading underscore: run.ts runs every other file
 * here as a benchmark.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A Node process in the project's folder, its logs at warn, its output piped. */
export function child(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `tandem …` to its end; resolves with its output and how long it took, or fails with the output. */
export async function runTandem(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ output: string; seconds: number }> {
  const begun = performance.now();
  const started = child(['bin/tandem.js', ...args], env);
  let output = '';
  started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => started.on('exit', resolve));
  if (code !== 0) throw new Error(`tandem ${args.join(' ')} failed (${code}):\n${output}`);
  return { output, seconds: (performance.now() - begun) / 1000 };
}

/** Stops a server process, if it still runs, and waits for it to go. */
export async function stop(process: ChildProcess | undefined): Promise<void> {
  if (!process || process.exitCode !== null) return;
  const exited = new Promise((resolve) => process.on('exit', resolve));
  process.kill('SIGTERM');
  await exited;
}

/** The p-th percentile of sorted values (nearest rank); NaN of none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A figure as the benches print it: grouped, `digits` decimals, a dash for none. */
export const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '—';
