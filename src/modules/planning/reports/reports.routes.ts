import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callerOf, fieldErrorsOf, formErrors } from '../../../platform/web/index.js';
import type { ReportPack } from './reports.pack.js';
import { packCharts } from './reports.charts.js';
import { packSections, packTitle, periodLine, producedLine, t, type PackTable } from './reports.present.js';
import { packPdf } from './reports.pdf.js';
import { packXlsx } from './reports.xlsx.js';
import type { ReportsService } from './reports.service.js';

const BASE = '/planning/reports';
const TEMPLATE = 'planning/reports/views/pack.njk';

const TAGS = {
  green: 'govuk-tag--green',
  amber: 'govuk-tag--yellow',
  red: 'govuk-tag--red',
  none: 'govuk-tag--grey',
} as const;

type Query = Record<string, string | undefined>;
type Params = { organisation?: string };

/** A table as the page draws it: the header row, numeric cells aligned right, RAG statuses as tags. */
function tableView(table: PackTable) {
  const cells = (row: PackTable['rows'][number]) =>
    row.map((cell, i) => ({
      text: cell.text,
      numeric: table.columns[i]?.numeric ?? false,
      tag: cell.rag ? TAGS[cell.rag] : undefined,
    }));
  return {
    id: table.id,
    caption: table.caption,
    columns: table.columns,
    rows: table.rows.map(cells),
    total: table.total ? cells(table.total) : undefined,
  };
}

/** Every partner the partnership's pack mentions, for links to their own packs. */
function partnersOf(pack: ReportPack) {
  const partners = new Map<string, string>();
  for (const p of [...pack.sla.byPartner, ...pack.charges.byPartner, ...(pack.savings?.byPartner ?? [])])
    if (p.code) partners.set(p.code, p.name || p.code);
  return [...partners]
    .map(([code, name]) => ({ code, name }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

/** The file name of a download: whose pack, which quarter. */
function fileName(pack: ReportPack, extension: 'pdf' | 'xlsx'): string {
  const whose =
    pack.scope === 'partnership' ? `${pack.organisation.code}-partnership` : pack.organisation.code;
  return `report-pack-${whose}-${pack.quarter.code}.${extension}`;
}

/** The quarterly report pack's pages: the pack (the caller's, or for the host one partner's) and its downloads. */
export async function reportsRoutes(app: FastifyInstance, options: { reports: ReportsService }) {
  const { reports } = options;

  /** The pack, or the form again with what is wrong with the quarter (400). */
  const show = async (request: FastifyRequest, reply: FastifyReply, download?: 'pdf' | 'xlsx') => {
    const caller = callerOf(request);
    const organisation = (request.params as Params).organisation;
    const quarter = (request.query as Query).quarter?.trim() || reports.defaultQuarter();
    const base = organisation ? `${BASE}/${encodeURIComponent(organisation)}` : BASE;
    let pack: ReportPack;
    try {
      pack = await reports.pack(caller, { quarter, organisation });
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      const { errorList, fields } = formErrors(errors, ['quarter']);
      return reply
        .status(400)
        .page(TEMPLATE, { title: t('title'), action: base, quarter, errorList, fields });
    }
    if (download) {
      const file = download === 'pdf' ? await packPdf(pack) : await packXlsx(pack);
      return reply
        .type(
          download === 'pdf'
            ? 'application/pdf'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
        .header('content-disposition', `attachment; filename="${fileName(pack, download)}"`)
        .send(file);
    }
    const charts = packCharts(pack);
    const query = `?quarter=${encodeURIComponent(pack.quarter.code)}`;
    return reply.page(TEMPLATE, {
      title: packTitle(pack),
      action: base,
      quarter: pack.quarter.code,
      period: periodLine(pack),
      produced: producedLine(pack),
      downloads: {
        pdf: `${base}/pack.pdf${query}`,
        xlsx: `${base}/pack.xlsx${query}`,
      },
      partners:
        pack.scope === 'partnership'
          ? partnersOf(pack).map((p) => ({ ...p, href: `${BASE}/${encodeURIComponent(p.code)}${query}` }))
          : [],
      partnership:
        pack.scope === 'partner' && caller.principal.org.role === 'host' ? `${BASE}${query}` : undefined,
      sections: packSections(pack).map((section) => ({
        id: section.id,
        heading: section.heading,
        notes: section.notes,
        chart: charts[section.id],
        tables: section.tables.map(tableView),
      })),
    });
  };

  app.get(BASE, (request, reply) => show(request, reply));
  app.get(`${BASE}/pack.pdf`, (request, reply) => show(request, reply, 'pdf'));
  app.get(`${BASE}/pack.xlsx`, (request, reply) => show(request, reply, 'xlsx'));
  app.get(`${BASE}/:organisation`, (request, reply) => show(request, reply));
  app.get(`${BASE}/:organisation/pack.pdf`, (request, reply) => show(request, reply, 'pdf'));
  app.get(`${BASE}/:organisation/pack.xlsx`, (request, reply) => show(request, reply, 'xlsx'));
}
