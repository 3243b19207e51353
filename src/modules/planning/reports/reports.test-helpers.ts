/**
 * What the report pack's tests share: a quarter set up by hand (requests resolved in it, met and
 * breached, on and off its edges in England, and usage with a reversal), and readers for the PDF and
 * the spreadsheet as a person's software would open them.
 */
import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { Database } from '../../../platform/db/index.js';
import { londonDate } from '../../../kernel/dates.js';
import { parsePeriod, type Period } from '../../../kernel/periods.js';

/**
 * April to June three years ago: in British Summer Time throughout, and long before the demo's
 * requests and usage (the months before today), so nothing but what is seeded here falls in it.
 */
export function quietQuarter(today = londonDate()): Period {
  return parsePeriod(`${Number(today.slice(0, 4)) - 3}-Q2`)!;
}

const at = (day: string, days: number, time = '09:00:00Z') => {
  const date = new Date(`${day}T${time}`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString();
};

/** A copy of one of the organisation's IT requests, with the dates and clocks given. */
async function copyRequest(
  db: Database,
  org: string,
  reference: string,
  request: {
    submitted: string;
    resolved: string | null;
    status: string;
    resolution: string;
    response: string;
  },
): Promise<void> {
  const result = await sql`
    insert into requests
    select (jsonb_populate_record(null::requests, to_jsonb(r) || jsonb_build_object(
             'id', gen_random_uuid(), 'reference', ${reference}::text, 'status', ${request.status}::text,
             'submitted_at', ${request.submitted}::text, 'resolved_at', ${request.resolved}::text,
             'closed_at', case when ${request.status}::text = 'closed' then ${request.resolved}::text end,
             'resolution_state', ${request.resolution}::text, 'response_state', ${request.response}::text,
             'sla_next_check_at', null, 'version', 1))).*
      from requests r
      join organisations o on o.id = r.org_id
      join service_lines l on l.id = r.service_line_id
     where o.code = ${org} and l.code = 'IT'
     order by r.reference
     limit 1`.execute(db.kysely);
  if (result.numAffectedRows !== 1n) throw new Error(`no IT request of ${org} to copy`);
}

/** A usage event of the organisation's for the offering, on a day, as the owner records it. */
async function addUsage(
  db: Database,
  org: string,
  key: string,
  day: string,
  thousandths: number,
  reverses: string | null = null,
): Promise<void> {
  await sql`
    insert into usage_events (org_id, host_org_id, service_line_id, offering_id, quantity, occurred_at,
                              occurred_on, priced_on, source, key, reverses)
    select o.id, f.host_org_id, f.service_line_id, f.id, ${thousandths}, ${`${day}T10:00:00Z`}::timestamptz,
           ${day}::date, ${day}::date, 'import', ${key}, ${reverses}
      from organisations o, offerings f
     where o.code = ${org} and f.code = 'IT-FAULT'`.execute(db.kysely);
}

/**
 * Seeds the quiet quarter. WDC, on IT: five requests raised in it (one resolved only after it, one
 * still open) and four resolved in it (one raised before it, resolved 00:30 on its first day in
 * England), resolution met 2 and breached 2, response met 3 and breached 1; usage of 2.5 and 1.25
 * less a reversal of 0.5 (3.25 in 3 events), and 9 on the day after. MFRS: one raised and resolved,
 * resolution breached, response met; usage of 4.
 */
export async function seedQuietQuarter(db: Database, quarter: Period): Promise<void> {
  const q = quarter.from;
  const last = quarter.until;
  const wdc: Array<[string, Parameters<typeof copyRequest>[3]]> = [
    [
      'WDC-RP-1',
      { submitted: at(q, 10), resolved: at(q, 12), status: 'closed', resolution: 'met', response: 'met' },
    ],
    [
      'WDC-RP-2',
      { submitted: at(q, 20), resolved: at(q, 25), status: 'resolved', resolution: 'met', response: 'met' },
    ],
    [
      'WDC-RP-3',
      {
        submitted: at(q, 30),
        resolved: at(q, 40),
        status: 'resolved',
        resolution: 'breached',
        response: 'met',
      },
    ],
    [
      'WDC-RP-4',
      { submitted: at(q, 50), resolved: null, status: 'open', resolution: 'on_track', response: 'met' },
    ],
    [
      'WDC-RP-5',
      {
        submitted: at(q, -5),
        // 23:30 UTC the evening before: 00:30 on the quarter's first day in England (summer time).
        resolved: at(q, -1, '23:30:00Z'),
        status: 'resolved',
        resolution: 'breached',
        response: 'breached',
      },
    ],
    [
      'WDC-RP-6',
      {
        submitted: at(q, 60),
        // 00:30 on the first day after the quarter in England: not in it.
        resolved: at(last, -1, '23:30:00Z'),
        status: 'resolved',
        resolution: 'met',
        response: 'met',
      },
    ],
  ];
  for (const [reference, request] of wdc) await copyRequest(db, 'WDC', reference, request);
  await copyRequest(db, 'MFRS', 'MFRS-RP-1', {
    submitted: at(q, 15),
    resolved: at(q, 16),
    status: 'resolved',
    resolution: 'breached',
    response: 'met',
  });
  const day = (days: number) => at(q, days).slice(0, 10);
  await addUsage(db, 'WDC', 'rp-wdc-1', day(3), 2500);
  await addUsage(db, 'WDC', 'rp-wdc-2', day(60), 1250);
  await addUsage(db, 'WDC', 'rp-wdc-3', day(61), -500, 'rp-wdc-1');
  await addUsage(db, 'WDC', 'rp-wdc-4', last, 9000);
  await addUsage(db, 'MFRS', 'rp-mfrs-1', day(5), 4000);
}

/** The text a PDF shows: its content streams inflated, the hex strings of each text operator joined. */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const lines: string[] = [];
  for (let at = raw.indexOf('stream\n'); at >= 0; at = raw.indexOf('stream\n', at + 1)) {
    const end = raw.indexOf('\nendstream', at);
    if (end < 0) break;
    const body = pdf.subarray(at + 'stream\n'.length, end);
    let content: string;
    try {
      content = zlib.inflateSync(body).toString('latin1');
    } catch {
      content = body.toString('latin1');
    }
    for (const operator of content.matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hex = operator[1] ?? `<${operator[2]}>`;
      lines.push(
        [...hex.matchAll(/<([0-9a-fA-F]*)>/g)]
          .map((m) => Buffer.from(m[1]!, 'hex').toString('latin1'))
          .join(''),
      );
    }
    at = end;
  }
  return lines.join('\n');
}

/** A workbook as a spreadsheet program opens it: each sheet's rows as plain values. */
export async function readWorkbook(file: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  const sheets = new Map<string, { rows: unknown[][]; formats: string[][] }>();
  workbook.eachSheet((sheet) => {
    const rows: unknown[][] = [];
    const formats: string[][] = [];
    sheet.eachRow((row) => {
      const values = row.values as unknown[];
      rows.push(values.slice(1));
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell) => cells.push(cell.numFmt ?? ''));
      formats.push(cells);
    });
    sheets.set(sheet.name, { rows, formats });
  });
  return { workbook, sheets };
}
