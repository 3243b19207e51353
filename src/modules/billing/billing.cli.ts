import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Database } from '../../platform/db/index.js';
import { actingAs, commandProblem, explainForCommand } from '../metering/index.js';
import { billingServices } from './billing.services.js';
import { formatMoney } from './billing.money.js';
import { statementLinesCsv, journalCsv } from './statements/statements.csv.js';
import type { Run } from './runs/runs.repository.js';

export const BILLING_USAGE = `  recharge run --period P [--org CODE …] [--true-up] [--as EMAIL]
                                Compute a draft recharge run (a month 2026-10, quarter 2026-Q3 or year 2026-27)
  recharge compute|review|issue --run ID [--as EMAIL]
                                Compute a draft again, mark it reviewed, or issue it (numbers, then frozen)
  recharge correct --statement NUMBER … [--as EMAIL]
                                A credit note and a new statement for each, in a new draft run
  recharge export --run ID --format csv|json [--as EMAIL]
                                Write every statement line of a run to standard output
  recharge journal --run ID [--as EMAIL]
                                Write the run's journal (cost centre, account, amount, narrative) as CSV
  cost-pools import FILE.csv [--as EMAIL]
                                Import cost pools (service_line,period,amount,driver,description): all or none
  drivers import FILE.csv [--actual] [--as EMAIL]
                                Import driver values (organisation,service_line,driver,value,period): all or none
                                --as names the host's finance officer to act as; without it, the only one`;

function readFile(file: string | undefined): string {
  if (!file) throw commandProblem('name the file to read');
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw commandProblem(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function describeRun(
  run: Run,
  out: (line: string) => void,
  totals?: Array<{ code: string; kind: string; pence: number }>,
) {
  out(`Run ${run.id}`);
  out(`  ${run.kind.replace('_', '-')} ${run.period}, ${run.status}, computation ${run.computation}`);
  for (const total of totals ?? [])
    out(
      `  ${total.code.padEnd(12)} ${total.kind === 'credit_note' ? 'credit note' : 'statement  '} ${formatMoney(BigInt(total.pence)).padStart(16)}`,
    );
  out(
    `  Total: ${formatMoney(run.totalPence)} in ${run.statementCount} statement(s), ${run.lineCount} line(s)`,
  );
  if (run.unpriced.length) {
    out(`  Unpriced usage (blocks issue):`);
    for (const u of run.unpriced)
      out(`    ${u.organisation} ${u.offering} ${u.firstDay}..${u.lastDay}: ${u.events} event(s)`);
  }
  for (const warning of run.warnings)
    out(`  ${warning.blocking ? 'Blocking' : 'Warning'}: ${warning.message}`);
}

/** `tandem recharge …`, `tandem cost-pools …` and `tandem drivers …`. */
export async function runBillingCommand(
  db: Database,
  argv: string[],
  out: (line: string) => void,
  write: (chunk: string) => void = (chunk) => process.stdout.write(chunk),
): Promise<void> {
  const [command, sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        as: { type: 'string' },
        period: { type: 'string' },
        org: { type: 'string', multiple: true },
        'true-up': { type: 'boolean' },
        run: { type: 'string' },
        format: { type: 'string' },
        statement: { type: 'string', multiple: true },
        actual: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw commandProblem((error as Error).message.split('\n')[0] ?? 'unreadable options');
  }
  const { values, positionals } = parsed;
  const billing = billingServices(db);
  const caller = async () => ({ principal: await actingAs(db, values.as, ['finance_officer']) });
  const statementTotals = async (ctx: Awaited<ReturnType<typeof caller>>, runId: string) =>
    (await billing.statements.ofRun(ctx, runId)).map((s) => ({
      code: s.organisation.code,
      kind: s.kind,
      pence: s.totalPence,
    }));

  if (command === 'recharge') {
    const needRun = () => {
      if (!values.run) throw commandProblem('--run ID is required');
      return values.run;
    };
    switch (sub) {
      case 'run': {
        if (!values.period) throw commandProblem('--period is required, like 2026-10, 2026-Q3 or 2026-27');
        const ctx = await caller();
        const organisations = (values.org ?? []).flatMap((code) => code.split(',')).filter(Boolean);
        const { run } = await billing.runs
          .create(ctx, {
            period: values.period,
            organisations,
            kind: values['true-up'] ? 'true_up' : 'charge',
          })
          .catch(explainForCommand);
        describeRun(run, out, await statementTotals(ctx, run.id));
        return;
      }
      case 'compute':
      case 'review':
      case 'issue': {
        const ctx = await caller();
        const id = needRun();
        const run =
          sub === 'compute'
            ? (await billing.runs.compute(ctx, id).catch(explainForCommand)).run
            : sub === 'review'
              ? await billing.runs.review(ctx, id).catch(explainForCommand)
              : await billing.runs.issue(ctx, id).catch(explainForCommand);
        describeRun(run, out, await statementTotals(ctx, run.id));
        return;
      }
      case 'correct': {
        const ctx = await caller();
        const { run } = await billing.runs.correct(ctx, values.statement ?? []).catch(explainForCommand);
        describeRun(run, out, await statementTotals(ctx, run.id));
        return;
      }
      case 'export': {
        const format = values.format ?? 'csv';
        if (format !== 'csv' && format !== 'json') throw commandProblem('--format must be csv or json');
        const ctx = await caller();
        const statements = await billing.statements.ofRun(ctx, needRun()).catch(explainForCommand);
        write(
          format === 'csv'
            ? statementLinesCsv(statements)
            : `${JSON.stringify({ data: statements }, null, 2)}\n`,
        );
        return;
      }
      case 'journal': {
        const ctx = await caller();
        write(journalCsv(await billing.statements.journal(ctx, needRun()).catch(explainForCommand)));
        return;
      }
    }
  }

  if (command === 'cost-pools' && sub === 'import') {
    const csv = readFile(positionals[0]);
    const result = await billing.pools.importPools(await caller(), csv).catch(explainForCommand);
    out(`Cost pools: ${result.added} added, ${result.changed} changed, ${result.unchanged} unchanged.`);
    return;
  }

  if (command === 'drivers' && sub === 'import') {
    const csv = readFile(positionals[0]);
    const result = await billing.pools
      .importDrivers(await caller(), csv, values.actual ? 'actual' : 'estimate')
      .catch(explainForCommand);
    out(`Driver values: ${result.added} added, ${result.changed} changed, ${result.unchanged} unchanged.`);
    return;
  }

  throw commandProblem(`unknown command "${[command, sub].filter(Boolean).join(' ')}"`);
}
