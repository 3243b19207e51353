/**
 * Planning at scale.
 *
 *   npm run bench -- planning
 *
 * (a) Options appraisal in the kernel: a case of 6 options × 60 years × 5 categories (1,800 cash
 *     flows, optimism bias on two categories), cases per second, beside two baselines measured in
 *     the same run: JSON.parse of the same case's file text, and as many plain bigint multiply-adds
 *     as the case has cash flows.
 * (b) The savings ledger page (GET /planning/savings, as the host's executive) with 100 partners ×
 *     6 service lines × 5 years of baselines and planned savings, and a year of issued statements
 *     (BENCH_LEDGER_LINES, 1,000,000 statement lines) behind it: p95 latency at BENCH_CONNECTIONS
 *     (4: a handful of people at once), beside a bare indexed query route (Fastify and a pg pool, one
 *     indexed SELECT, no Tandem) in the same run; the ledger's JSON API too.
 *
 * On PostgreSQL (BENCH_DATABASE_URL, default the local server): a database is created, migrated and
 * loaded with the demo, the bench data added in bulk SQL (generate_series), and dropped at the end.
 * The statements are issued the way billing issues them (numbered by UPDATE), so the ledger's totals
 * are kept by the same trigger as in use. Targets: (a) ≥ 2,000 cases/s; (b) p95 < 100 ms.
 */
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { appraise, type AppraisalCase } from '../src/kernel/appraisal.js';
import { loadConfig } from '../src/config.js';
import { benchDatabase, child, fmt, percentile, runTandem, stop } from './_support.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const LINES = Number(process.env.BENCH_LEDGER_LINES ?? 1_000_000);
const PARTNERS = 100;
const YEARS = ['2022-23', '2023-24', '2024-25', '2025-26', '2026-27'];
const POOL_SIZE = loadConfig({}).databasePoolSize;
const PASSWORD = 'Tandem-Demo-2026!';

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

// ---------------------------------------------------------------------------------------------
// (a) the appraisal kernel

function benchCase(): AppraisalCase {
  const costs = ['capital', 'operating', 'one_off'] as const;
  const benefits = ['cashable', 'non_cashable'] as const;
  return {
    title: 'Bench case',
    baseYear: '2026-27',
    horizonYears: 59,
    options: Array.from({ length: 6 }, (_, i) => ({
      code: `OPT${i}`,
      name: `Option ${i}`,
      kind: i === 0 ? 'business_as_usual' : i === 1 ? 'do_minimum' : 'other',
      preferred: i === 2,
      costs: costs.flatMap((category) =>
        Array.from({ length: 60 }, (_, year) => ({
          category,
          year,
          amount: `${100_000 + year * 37 + i * 1_001}.${String((year * 7 + i) % 100).padStart(2, '0')}`,
        })),
      ),
      benefits: benefits.flatMap((category) =>
        Array.from({ length: 60 }, (_, year) => ({ category, year, amount: `${90_000 + year * 41 + i}.50` })),
      ),
      optimismBias: {
        capital: { upper: '0.66', mitigation: '0.4', reason: 'Outline design' },
        one_off: { upper: '0.2', mitigation: '0.1', reason: 'Known suppliers' },
      },
    })),
  };
}

function perSecond(work: () => unknown, budgetMs = 3_000): number {
  let sink = 0;
  for (let i = 0; i < 200; i++) sink += Number(Boolean(work())); // warm-up
  let done = 0;
  const started = performance.now();
  while (performance.now() - started < budgetMs) {
    sink += Number(Boolean(work()));
    done++;
  }
  if (sink < 0) console.log(sink);
  return (done * 1000) / (performance.now() - started);
}

function appraisalBench() {
  const input = benchCase();
  const text = JSON.stringify(input);
  const flows = input.options.reduce((n, o) => n + o.costs.length + o.benefits.length, 0);
  const pence = input.options.flatMap((o) =>
    [...o.costs, ...o.benefits].map((f) => BigInt(f.amount.replace('.', ''))),
  );
  const kernel = perSecond(() => appraise(input));
  const parse = perSecond(() => JSON.parse(text));
  const multiplyAdds = perSecond(() => {
    let total = 0n;
    for (let i = 0; i < pence.length; i++) total += pence[i]! * 1_035n;
    return total;
  });
  return { flows, kernel, parse, multiplyAdds };
}

// ---------------------------------------------------------------------------------------------
// (b) the ledger

/** What servers said at error level or above, to print beside the figures. */
const serverErrors: string[] = [];

async function serve(args: string[], env: NodeJS.ProcessEnv, probe: string): Promise<ChildProcess> {
  const started = child(args, env);
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split('\n'))
      if (/"level":(50|60)/.test(line) && serverErrors.length < 5) serverErrors.push(line.slice(0, 2000));
  };
  started.stdout!.on('data', keep);
  started.stderr!.on('data', keep);
  for (;;) {
    if (started.exitCode !== null) throw new Error(`server exited:\n${output}`);
    try {
      const response = await fetch(probe);
      await response.text();
      if (response.status < 500) return started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The bench data, in bulk SQL as the database's owner. */
async function seed(owner: pg.Client, log: (line: string) => void): Promise<void> {
  const q = (text: string, values: unknown[] = []) => owner.query(text, values);
  const host = (await q(`select id from organisations where code = 'MCC'`)).rows[0].id as string;
  await q('begin');
  await q(
    `insert into organisations (code, name, role, kind, bank_holiday_division)
     select 'BP' || lpad(g::text, 3, '0'), 'Bench partner ' || g, 'partner', 'local_authority', 'england-and-wales'
       from generate_series(1, $1::int) g`,
    [PARTNERS],
  );
  await q(`create temporary table bench_partners as
           select id, code, name, row_number() over (order by code) - 1 as k from organisations where code like 'BP%'`);
  await q(
    `create temporary table bench_lines as
     select id, code, name, row_number() over (order by code) - 1 as k from service_lines where org_id = $1`,
    [host],
  );
  const lines = Number((await q('select count(*) as n from bench_lines')).rows[0].n);
  if (lines !== 6) throw new Error(`the demo host has ${lines} service lines, not 6`);
  await q(
    `insert into service_agreements (org_id, host_org_id, service_line_id, valid_from)
     select p.id, $1, l.id, '2020-04-01' from bench_partners p cross join bench_lines l`,
    [host],
  );
  await q(
    `insert into savings_baselines (org_id, host_org_id, service_line_id, financial_year, amount_pence, source)
     select p.id, $1, l.id, y, 50000000 + ((hashtext(p.code || l.code || y) & 65535) * 100), 'Bench baseline'
       from bench_partners p cross join bench_lines l cross join unnest($2::text[]) y`,
    [host, YEARS],
  );
  const { rows } = await q(
    `insert into business_cases (org_id, title, base_year, horizon_years, status, approved_at)
     values ($1, 'Bench partnership', '2022-23', 4, 'approved', now()) returning id, approved_at`,
    [host],
  );
  await q(
    `insert into planned_savings (org_id, host_org_id, case_id, service_line_id, financial_year, amount_pence, approved_at)
     select p.id, $1, $2, l.id, y, 4500000 + ((hashtext(y || p.code || l.code) & 4095) * 100), $3
       from bench_partners p cross join bench_lines l cross join unnest($4::text[]) y`,
    [host, rows[0].id, rows[0].approved_at, YEARS],
  );
  log(`  ${PARTNERS} partners × 6 lines × ${YEARS.length} years of baselines and planned savings`);
  // A year of monthly runs, a statement per partner each, as drafts.
  await q(
    `insert into recharge_runs (org_id, host_org_id, kind, period, period_from, period_until)
     select $1, $1, 'charge', to_char(m, 'YYYY-MM'), m::date, (m + interval '1 month')::date
       from generate_series('2025-04-01'::date, '2026-03-01'::date, interval '1 month') m`,
    [host],
  );
  await q(
    `insert into recharge_statements (run_id, org_id, host_org_id, kind, period, period_from, period_until, org_code,
                                      org_name, host_code, host_name, total_pence, line_count)
     select r.id, p.id, $1, 'statement', r.period, r.period_from, r.period_until, p.code, p.name, 'MCC',
            'Mercia County Council', 0, 0
       from recharge_runs r cross join bench_partners p
      where r.host_org_id = $1 and r.period_from between '2025-04-01' and '2026-03-01'`,
    [host],
  );
  await q(`create temporary table bench_statements as
           select s.run_id, s.org_id, row_number() over (order by s.period_from, s.org_code) - 1 as k
             from recharge_statements s join bench_partners p on p.id = s.org_id`);
  const statements = Number((await q('select count(*) as n from bench_statements')).rows[0].n);
  await q('commit');
  // The lines, in batches, with triggers and foreign-key checks off (they hold by construction):
  // the billing triggers check one statement per line, which is not what is being measured here.
  await q(`set session_replication_role = replica`);
  const batch = 200_000;
  for (let from = 0; from < LINES; from += batch) {
    await q(
      `insert into recharge_lines (run_id, org_id, host_org_id, statement_kind, line_no, service_line_id,
                                   service_line_code, service_line_name, kind, description, amount_pence, source)
       select s.run_id, s.org_id, $1, 'statement', n / $2 + 1, l.id, l.code, l.name, 'usage', 'Bench usage',
              100 + (n::bigint * 7919) % 50000, '{}'::jsonb
         from generate_series($3::int, $4::int) n
         join bench_statements s on s.k = n % $2
         join bench_lines l on l.k = (n / $2) % 6`,
      [host, statements, from, Math.min(LINES, from + batch) - 1],
    );
    log(`  ${fmt(Math.min(LINES, from + batch))} statement lines`);
  }
  await q(`set session_replication_role = origin`);
  // Issued as billing issues them: totals, then a number each (the ledger's trigger fires), then the runs.
  await q('begin');
  await q(
    `update recharge_statements s set total_pence = t.total, line_count = t.n
       from (select run_id, org_id, sum(amount_pence) as total, count(*) as n from recharge_lines
              where statement_kind = 'statement' group by run_id, org_id) t
      where s.run_id = t.run_id and s.org_id = t.org_id and s.number is null`,
  );
  await q(
    `update recharge_statements s set number = 'BENCH-S-' || lpad(b.k::text, 6, '0'), issued_at = now()
       from bench_statements b where s.run_id = b.run_id and s.org_id = b.org_id and s.kind = 'statement'`,
  );
  await q(
    `update recharge_runs set status = 'issued', issued_at = now() where host_org_id = $1 and status = 'draft'
             and period_from between '2025-04-01' and '2026-03-01'`,
    [host],
  );
  await q('commit');
  for (const table of [
    'recharge_lines',
    'recharge_statements',
    'ledger_charges',
    'savings_baselines',
    'planned_savings',
  ])
    await q(`vacuum analyze ${table}`);
}

/** Signs in through the sign-in form, as a browser does; returns the session's Cookie header. */
async function signIn(base: string, email: string): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const html = await form.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const cookies = form.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookies.join('; ') },
    body: new URLSearchParams({ _csrf: csrf, email, password: PASSWORD }).toString(),
  });
  await response.text();
  if (response.status !== 303) throw new Error(`sign-in as ${email} answered ${response.status}`);
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

interface Load {
  name: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

function once(url: string, headers: Record<string, string>, duration: number, connections: number) {
  return new Promise<{ result: autocannon.Result; times: number[] }>((resolve, reject) => {
    const times: number[] = [];
    const instance = autocannon({ url, connections, duration, headers }, (error: unknown, result) =>
      error
        ? reject(error instanceof Error ? error : new Error(JSON.stringify(error)))
        : resolve({ result, times }),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
}

/** Routes measured in turns, so that the machine's drift meets each alike. */
async function loadInTurns(
  routes: Array<{ name: string; url: string; headers: Record<string, string> }>,
  connections = CONNECTIONS,
) {
  for (const route of routes) await once(route.url, route.headers, 2, connections);
  const turns = routes.map(() => [] as Array<{ result: autocannon.Result; times: number[] }>);
  for (let round = 0; round < ROUNDS; round++)
    for (const [i, route] of routes.entries())
      turns[i]!.push(await once(route.url, route.headers, SECONDS / ROUNDS, connections));
  return routes.map((route, i): Load => {
    const times = turns[i]!.flatMap((turn) => turn.times).sort((a, b) => a - b);
    const statuses = turns[i]!.map((turn) => JSON.stringify(turn.result.statusCodeStats)).join(' ');
    const failures = turns[i]!.reduce((sum, turn) => sum + turn.result.errors + turn.result.non2xx, 0);
    if (failures)
      console.log(
        `    ${route.name}: ${failures} not answered 2xx; statuses ${statuses}; timeouts ${turns[i]!.reduce((n, t) => n + t.result.timeouts, 0)}`,
      );
    return {
      name: route.name,
      rps: turns[i]!.reduce((sum, turn) => sum + turn.result.requests.average, 0) / turns[i]!.length,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
      errors: turns[i]!.reduce((sum, turn) => sum + turn.result.errors + turn.result.non2xx, 0),
    };
  });
}

async function main() {
  const started = performance.now();
  const log = (line: string) => console.log(`[${fmt((performance.now() - started) / 1000, 1)} s] ${line}`);

  log('(a) appraisal in the kernel…');
  const a = appraisalBench();

  const database = await benchDatabase('planning');
  const { url, env } = database;
  const owner = new pg.Client({ connectionString: url.toString() });
  let tandem: ChildProcess | undefined;
  let bare: ChildProcess | undefined;
  try {
    log('migrating and loading the demo…');
    await runTandem(['seed', '--demo'], env);
    await owner.connect();
    log(`seeding the ledger and ${fmt(LINES)} issued statement lines…`);
    await seed(owner, log);
    const kept = Number((await owner.query('select count(*) as n from ledger_charges')).rows[0].n);
    const token = (
      await runTandem(
        ['token', 'create', '--email', 'executive@mercia.example', '--org', 'MCC', '--name', 'bench'],
        env,
      )
    ).output
      .trim()
      .split('\n')
      .pop()!
      .trim();
    const probe = (
      await owner.query(
        `select host_org_id, org_id, service_line_id, financial_year from savings_baselines limit 1`,
      )
    ).rows[0] as Record<string, string>;

    const port = 3900 + (process.pid % 50);
    const barePort = port + 50;
    tandem = await serve(
      ['bin/tandem.js', 'serve'],
      { ...env, PORT: String(port), HOST: '127.0.0.1' },
      `http://127.0.0.1:${port}/healthz`,
    );
    bare = await serve(
      ['--import', 'tsx', 'bench/planning.ts'],
      { BENCH_BARE_URL: url.toString(), PORT: String(barePort) },
      `http://127.0.0.1:${barePort}/healthz`,
    );
    const base = `http://127.0.0.1:${port}`;
    const cookie = await signIn(base, 'executive@mercia.example');
    const check = await fetch(`${base}/planning/savings`, { headers: { cookie } });
    const page = await check.text();
    if (
      check.status !== 200 ||
      !page.includes('data-qa="ledger-partners"') ||
      !page.includes('Bench partner 100')
    )
      throw new Error(`the ledger page did not show the bench partners (${check.status})`);
    const query = new URLSearchParams(probe).toString();

    log(`(b) ${CONNECTIONS} connections, ${SECONDS} s per route in ${ROUNDS} turns…`);
    const loads = await loadInTurns([
      {
        name: 'bare Fastify + pg, one indexed SELECT',
        url: `http://127.0.0.1:${barePort}/baseline?${query}`,
        headers: {},
      },
      { name: 'GET /planning/savings (the page)', url: `${base}/planning/savings`, headers: { cookie } },
      {
        name: 'GET /api/v1/savings-ledger (JSON, every row)',
        url: `${base}/api/v1/savings-ledger`,
        headers: { authorization: `Bearer ${token}` },
      },
    ]);
    log('(b) the page and its baseline again, one person at a time…');
    const alone = await loadInTurns(
      [
        {
          name: 'bare Fastify + pg, one connection',
          url: `http://127.0.0.1:${barePort}/baseline?${query}`,
          headers: {},
        },
        {
          name: 'GET /planning/savings, one connection',
          url: `${base}/planning/savings`,
          headers: { cookie },
        },
      ],
      1,
    );

    console.log('');
    console.log(
      `Node ${process.version}, ${os.availableParallelism()} cores; PostgreSQL at ${url.host}, pool ${POOL_SIZE}`,
    );
    console.log('');
    console.log(
      `(a) appraisal of one case: 6 options × 60 years × 5 categories (${fmt(a.flows)} cash flows)`,
    );
    console.log(
      `    kernel appraise()                       ${fmt(a.kernel).padStart(10)} cases/s  (target ≥ 2,000)  ${verdict(a.kernel >= 2000)}`,
    );
    console.log(`    baseline: JSON.parse of the case file    ${fmt(a.parse).padStart(10)} cases/s`);
    console.log(
      `    baseline: ${fmt(a.flows)} bigint multiply-adds    ${fmt(a.multiplyAdds).padStart(10)} cases/s`,
    );
    console.log('');
    console.log(
      `(b) ledger: ${PARTNERS} partners × 6 lines × ${YEARS.length} years; ${fmt(LINES)} issued statement lines (2025-26) kept as ${fmt(kept)} totals by line`,
    );
    console.log(
      `    ${'route'.padEnd(46)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)}`,
    );
    for (const r of [...loads, ...alone])
      console.log(
        `    ${r.name.padEnd(46)} ${fmt(r.rps).padStart(8)} ${fmt(r.p50, 1).padStart(7)} ${fmt(r.p95, 1).padStart(7)} ${fmt(r.p99, 1).padStart(7)} ${String(r.errors).padStart(7)}`,
      );
    const ledgerPage = loads[1]!;
    console.log(
      `    the page: p95 ${fmt(ledgerPage.p95, 1)} ms at ${CONNECTIONS} connections, ${fmt(alone[1]!.p95, 1)} ms at one  (target < 100 ms)  ${verdict(ledgerPage.p95 < 100)}`,
    );
    const failed = [...loads, ...alone].reduce((n, r) => n + r.errors, 0);
    if (failed)
      console.log(
        `    ${fmt(failed)} responses were not 2xx: the server's errors follow (a shared read connection dropped ` +
          'after 30 s of continuous use answers "Connection terminated unexpectedly" for the reads queued on it)',
      );
    for (const line of serverErrors) console.log(`server error: ${line}`);
    log('done');
  } finally {
    await stop(bare);
    await stop(tandem);
    await owner.end().catch(() => {});
    await database.drop();
  }
}

// ---------------------------------------------------------------------------------------------
// The baseline's server, when this file is started as it (BENCH_BARE_URL set): Fastify and a pg pool.
async function bareServer(connectionString: string) {
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE });
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get<{ Querystring: Record<string, string> }>('/baseline', async (request) => {
    const q = request.query;
    const { rows } = await pool.query(
      `select amount_pence::text, source from savings_baselines
        where host_org_id = $1 and org_id = $2 and service_line_id = $3 and financial_year = $4`,
      [q.host_org_id, q.org_id, q.service_line_id, q.financial_year],
    );
    return { data: rows };
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.on('SIGTERM', () => void app.close().then(() => pool.end()));
}

if (process.env.BENCH_BARE_URL) await bareServer(process.env.BENCH_BARE_URL);
else await main();
