import PDFDocument from 'pdfkit';
import type { ReportPack } from './reports.pack.js';
import {
  packSections,
  packTitle,
  periodLine,
  producedLine,
  t,
  type Cell,
  type PackTable,
} from './reports.present.js';

export interface PackPdfOptions {
  /** Compress the content streams (the default); tests read them uncompressed. */
  compress?: boolean;
}

const BOLD = { src: 'Helvetica-Bold' };

/**
 * The pack as a tagged PDF: PDF 1.7 in British English, its title in the viewer's title bar, and a
 * structure tree of headings, paragraphs and tables whose first row is column headers, so a screen
 * reader reads it in order. Charts are the page's; here each section is its tables. Its dates are
 * when the pack was produced, so the same pack gives the same file.
 */
export function packPdf(pack: ReportPack, options: PackPdfOptions = {}): Promise<Buffer> {
  const title = packTitle(pack);
  const doc = new PDFDocument({
    pdfVersion: '1.7',
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    compress: options.compress ?? true,
    size: 'A4',
    layout: 'landscape',
    margin: 48,
    info: {
      Title: `${title}, ${pack.quarter.code}`,
      Author: pack.organisation.name,
      Subject: t('fileSubject'),
      Creator: 'Tandem',
      CreationDate: pack.producedAt,
      ModDate: pack.producedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const root = doc.struct('Document');
  doc.addStructure(root);
  const write = (type: string, value: string, size: number, bold = false, gap = 0.4) => {
    root.add(
      doc.struct(type, {}, () => {
        doc
          .font(bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(size)
          .text(value);
      }),
    );
    doc.moveDown(gap);
  };

  const table = (spec: PackTable) => {
    write('H3', spec.caption, 10, true, 0.2);
    const align = (cell: Cell, numeric: boolean) => ({ text: cell.text, align: numeric ? 'right' : 'left' });
    const header = spec.columns.map((c) => ({
      text: c.label,
      type: 'TH' as const,
      scope: 'Column' as const,
      font: BOLD,
      align: c.numeric ? 'right' : 'left',
    }));
    const rows = spec.rows.map((row) => row.map((cell, i) => align(cell, spec.columns[i]!.numeric)));
    if (spec.total)
      rows.push(spec.total.map((cell, i) => ({ ...align(cell, spec.columns[i]!.numeric), font: BOLD })));
    doc.font('Helvetica').fontSize(8);
    doc.table({
      structParent: root,
      columnStyles: spec.columns.map((c, i) => (i === 0 ? '*' : c.numeric ? 70 : 110)),
      data: [header, ...rows],
    } as unknown as PDFKit.Mixins.TableOptionsWithData);
    doc.moveDown(0.8);
  };

  write('H1', title, 20, true);
  write('P', pack.organisation.name, 11);
  write('P', periodLine(pack), 11);
  write('P', producedLine(pack), 11, false, 0.8);
  for (const section of packSections(pack)) {
    write('H2', section.heading, 14, true, 0.3);
    for (const note of section.notes) write('P', note, 10);
    for (const spec of section.tables) {
      if (!spec.rows.length) {
        write('H3', spec.caption, 10, true, 0.2);
        write('P', t('none'), 10, false, 0.8);
      } else table(spec);
    }
  }
  root.end();
  doc.end();
  return done;
}
