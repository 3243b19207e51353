import ExcelJS from 'exceljs';
import { formatDate, formatDateTime } from '../../../platform/web/index.js';
import type { ReportPack } from './reports.pack.js';
import { packSections, packTitle, t, type Cell } from './reports.present.js';

/** How each kind of value is shown; the value itself stays a plain number a formula can use. */
const FORMATS: Partial<Record<Cell['kind'], string>> = {
  money: '£#,##0.00',
  percent: '0.0%',
  quantity: '#,##0.###',
  count: '#,##0',
};

/**
 * A cell's value for a spreadsheet: money in pounds, divided once from the exact whole pence; a
 * quantity in units from thousandths; a percentage as a fraction; text as text.
 */
function valueOf(cell: Cell): string | number | null {
  if (cell.value === null) return null;
  switch (cell.kind) {
    case 'money':
      return Number(cell.value) / 100;
    case 'quantity':
      return Number(cell.value) / 1000;
    case 'percent':
      return Number(cell.value) / 10_000;
    case 'count':
      return Number(cell.value);
    default:
      return cell.text;
  }
}

/** A worksheet's name as spreadsheets allow it: 31 characters, none of []:*?/\. */
const sheetName = (name: string) => name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

/**
 * The pack as a workbook: a cover sheet naming the organisation, the quarter and when it was
 * produced, then one worksheet per table of each section, each with a header row.
 */
export async function packXlsx(pack: ReportPack): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tandem';
  workbook.title = `${packTitle(pack)}, ${pack.quarter.code}`;
  workbook.subject = t('fileSubject');
  workbook.created = pack.producedAt;
  workbook.modified = pack.producedAt;

  const cover = workbook.addWorksheet(sheetName(t('sheets.cover')));
  cover.columns = [{ width: 22 }, { width: 70 }];
  cover.addRow([packTitle(pack)]).font = { bold: true, size: 14 };
  const coverRows: Array<[string, string]> = [
    ['organisation', `${pack.organisation.name} (${pack.organisation.code})`],
    [
      'scope',
      pack.scope === 'partnership'
        ? t('cover.partnershipScope', { organisation: pack.organisation.name })
        : t('cover.partnerScope'),
    ],
    ['quarter', pack.quarter.code],
    ['from', formatDate(pack.quarter.from)],
    ['to', formatDate(pack.quarter.to)],
    ['financialYear', pack.financialYear],
    ['produced', formatDateTime(pack.producedAt)],
    ['source', t('cover.sourceText')],
  ];
  for (const [key, value] of coverRows) {
    const row = cover.addRow([t(`cover.${key}`), value]);
    row.getCell(1).font = { bold: true };
  }

  const used = new Set<string>([cover.name]);
  for (const section of packSections(pack)) {
    for (const table of section.tables) {
      let name = sheetName(table.sheet);
      for (let n = 2; used.has(name); n++) name = sheetName(`${table.sheet.slice(0, 28)} ${n}`);
      used.add(name);
      const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.columns = table.columns.map((c, i) => ({ width: i === 0 ? 36 : c.numeric ? 18 : 24 }));
      const header = sheet.addRow(table.columns.map((c) => c.label));
      header.font = { bold: true };
      const rows = table.total ? [...table.rows, table.total] : table.rows;
      rows.forEach((cells, r) => {
        const row = sheet.addRow(cells.map(valueOf));
        if (table.total && r === rows.length - 1) row.font = { bold: true };
        cells.forEach((cell, c) => {
          const format = FORMATS[cell.kind];
          if (format) row.getCell(c + 1).numFmt = format;
        });
      });
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
