/**
 * What the benchmarks share: a database of their own, `tandem` in a process of its own, stopping a
 * server, a percentile and numbers as the figures print them. (Named with a leading underscore: run.ts runs every other file
 * here as a benchmark.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
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

/** The server the benches make their databases on (BENCH_DATABASE_URL, default the local one). */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  name: string;
  /** Its connection string. */
  url: URL;
  /** What `tandem` needs to run on it (no e-mail is sent: messages stay in the outbox). */
  env: NodeJS.ProcessEnv;
  /** Drops it, unless BENCH_KEEP_DATABASE=1 keeps it to look into afterwards. */
  drop(): Promise<void>;
}

/** A new, empty database for one bench: tandem_bench_<kind>_<pid>. */
export async function benchDatabase(kind: string): Promise<BenchDatabase> {
  const name = `tandem_bench_${kind}_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url,
    env: {
      DATABASE_URL: url.toString(),
      TANDEM_SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0',
      TANDEM_SMTP_URL: '',
    },
    async drop() {
      if (process.env.BENCH_KEEP_DATABASE === '1')
        console.log(`kept the database ${name} (BENCH_KEEP_DATABASE)`);
      else await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
