/**
 * Foundation throughput and start-up.
 *
 *   npm run bench -- foundation
 *
 * On PostgreSQL (BENCH_DATABASE_URL, default the local server; a database is created and dropped):
 * requests/s and p50/p99 latency at 32 connections for (a) a constant JSON route with no database —
 * the ceiling — (b) GET /api/v1/me inside a tenant-scoped transaction, (c) the signed-in home page.
 * On the embedded engine: time from start to the first page served, for a new data folder (with
 * demo seeding) and for reopening it, and the server's resident memory.
 *
 * Targets: (b) ≥ 40% of (a)'s throughput with p99 < 25 ms; reopen to first page < 2 s.
 * BENCH_SECONDS (default 10) is each route's measured time, split into BENCH_ROUNDS turns (default 2).
 * The server runs in its own process; the load comes from this one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openDatabase } from '../src/platform/db/index.js';
import { DEMO_PASSWORD } from '../src/demo.js';
import { loadConfig } from '../src/config.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
if (!(SECONDS > 0) || !Number.isInteger(ROUNDS) || ROUNDS < 1) {
  throw new Error('BENCH_SECONDS must be above 0 and BENCH_ROUNDS a whole number from 1');
}
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function tandem(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['bin/tandem.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = tandem(args, env);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`tandem ${args.join(' ')} failed:\n${output}`);
  return output;
}

/** Starts `tandem serve` and resolves once a page has been served, with the time that took. */
async function serve(env: NodeJS.ProcessEnv, port: number): Promise<{ child: ChildProcess; ms: number }> {
  const started = performance.now();
  const child = tandem(['serve'], { PORT: String(port), HOST: '127.0.0.1', ...env });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/sign-in`);
      if (response.ok) {
        await response.text();
        return { child, ms: performance.now() - started };
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function residentMegabytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function signIn(base: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const csrfCookie = /tandem_csrf=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `tandem_csrf=${csrfCookie}` },
    body: new URLSearchParams({ _csrf: csrf, email: 'requester@wyvern.example', password: DEMO_PASSWORD }),
  });
  const session = /tandem_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (!session) throw new Error('could not sign in');
  return `tandem_session=${session}`;
}

interface Load {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

interface Route {
  name: string;
  url: string;
  headers?: Record<string, string>;
}

/**
 * Measures the routes in turns: ROUNDS turns each of SECONDS / ROUNDS, one route after another. A
 * shared machine's speed drifts from minute to minute; taken in turns, the routes meet the same
 * drift, so their ratios stay fair. Requests/s and p50 are the means of the turns', p99 the worst
 * turn's.
 */
async function loadInTurns(routes: Route[]): Promise<Load[]> {
  const run = (route: Route, duration: number) =>
    autocannon({ url: route.url, connections: CONNECTIONS, duration, headers: route.headers ?? {} });
  const turns = routes.map(() => [] as autocannon.Result[]);
  // A short warm-up first, so that no measured second is the JIT's.
  for (const route of routes) await run(route, 2);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, route] of routes.entries()) turns[i]!.push(await run(route, SECONDS / ROUNDS));
  }
  return routes.map((route, i) => {
    const results = turns[i]!;
    const mean = (pick: (result: autocannon.Result) => number) =>
      results.reduce((sum, result) => sum + pick(result), 0) / results.length;
    return {
      name: route.name,
      rps: mean((result) => result.requests.average),
      p50: mean((result) => result.latency.p50),
      p99: Math.max(...results.map((result) => result.latency.p99)),
      errors: results.reduce((sum, result) => sum + result.errors + result.non2xx, 0),
    };
  });
}

async function onPostgres(): Promise<Load[]> {
  const name = `tandem_bench_${process.pid}`;
  const admin = await openDatabase({ databaseUrl: ADMIN_URL, poolSize: 1 });
  await sql.raw(`create database ${name}`).execute(admin.kysely);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const env = {
    DATABASE_URL: url.toString(),
    TANDEM_SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0',
  };
  let server: ChildProcess | undefined;
  try {
    await run(['seed', '--demo'], env);
    const token = (
      await run(
        ['token', 'create', '--email', 'requester@wyvern.example', '--org', 'WDC', '--name', 'bench'],
        env,
      )
    )
      .trim()
      .split('\n')
      .pop()!;
    const port = 3900 + (process.pid % 50);
    server = (await serve(env, port)).child;
    const base = `http://127.0.0.1:${port}`;
    const cookie = await signIn(base);
    console.log(`PostgreSQL, ${CONNECTIONS} connections, ${SECONDS} s per route in ${ROUNDS} turns…`);
    const bearer = { authorization: `Bearer ${token}` };
    const results = await loadInTurns([
      { name: '(a) constant JSON, no database (ceiling)', url: `${base}/healthz` },
      { name: '(b) GET /api/v1/me, tenant-scoped transaction', url: `${base}/api/v1/me`, headers: bearer },
      { name: '(c) signed-in home page', url: `${base}/`, headers: { cookie } },
    ]);
    // The same as (b) with the server asking the database who the token is at every request.
    await stop(server);
    server = (await serve({ ...env, TANDEM_CREDENTIAL_CACHE_SECONDS: '0' }, port)).child;
    results.push(
      ...(await loadInTurns([
        { name: '(b) again, credentials never reused', url: `${base}/api/v1/me`, headers: bearer },
      ])),
    );
    return results;
  } finally {
    if (server) await stop(server);
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin.kysely);
    await admin.close();
  }
}

async function onEmbedded() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-'));
  const env = { TANDEM_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '' };
  const port = 3960 + (process.pid % 30);
  try {
    const fresh = await serve(env, port);
    await stop(fresh.child);
    const reopened = await serve(env, port);
    // Memory after some use, not just after start.
    for (let i = 0; i < 50; i++) await (await fetch(`http://127.0.0.1:${port}/sign-in`)).text();
    const memory = residentMegabytes(reopened.child.pid!);
    await stop(reopened.child);
    return { freshMs: fresh.ms, reopenMs: reopened.ms, memory };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const results = await onPostgres();
const [ceiling, me, home] = results as [Load, Load, Load];
const settings = loadConfig(process.env);
console.log('');
console.log(
  `server: ${os.availableParallelism()} cores, pool ${settings.databasePoolSize}, pipelined connections ${settings.databasePipelines}, credentials reused for ${settings.credentialCacheSeconds} s`,
);
console.log(
  'route'.padEnd(48),
  'req/s'.padStart(9),
  'p50 ms'.padStart(8),
  'p99 ms'.padStart(8),
  'errors'.padStart(7),
  '  of (a)',
);
for (const r of results) {
  console.log(
    r.name.padEnd(48),
    fmt(r.rps).padStart(9),
    fmt(r.p50, 1).padStart(8),
    fmt(r.p99, 1).padStart(8),
    String(r.errors).padStart(7),
    `  ${fmt((100 * r.rps) / ceiling.rps, 1)}%`,
  );
}
const ratio = me.rps / ceiling.rps;
console.log('');
console.log(`(b)/(a) = ${fmt(100 * ratio, 1)}%  (target ≥ 40%)  ${ratio >= 0.4 ? 'met' : 'NOT met'}`);
console.log(`(b) p99 = ${fmt(me.p99, 1)} ms  (target < 25 ms)  ${me.p99 < 25 ? 'met' : 'NOT met'}`);
console.log(`(c) home page ${fmt(home.rps)} req/s, p99 ${fmt(home.p99, 1)} ms`);

const embedded = await onEmbedded();
console.log('');
console.log('Embedded engine (PGlite)');
console.log(`new data folder, migrate + demo seed → first page: ${fmt(embedded.freshMs)} ms`);
console.log(
  `reopen existing folder → first page:              ${fmt(embedded.reopenMs)} ms  (target < 2,000 ms)  ${embedded.reopenMs < 2000 ? 'met' : 'NOT met'}`,
);
console.log(`server resident memory after start:               ${fmt(embedded.memory)} MB`);
