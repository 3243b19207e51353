import PDFDocument from 'pdfkit';
import { longDate } from '../../../kernel/periods.js';
import { formatMoney } from '../billing.money.js';
import type { StatementView } from './statements.service.js';

function title(view: StatementView): string {
  const what = view.kind === 'credit_note' ? 'Credit note' : 'Statement';
  return view.number ? `${what} ${view.number}` : `Draft ${what.toLowerCase()}`;
}

export interface PdfOptions {
  /** Compress the content streams (the default); tests read them uncompressed. */
  compress?: boolean;
}

/**
 * A statement or credit note as a tagged PDF (PDF 1.7, language en-GB, a title shown in the
 * viewer's title bar, a structure tree with headings, paragraphs and tables with header cells), so
 * that a screen reader can read it in order. The document's dates are the statement's own, not the
 * moment it was drawn, so the same statement gives the same file.
 */
export function statementPdf(view: StatementView, options: PdfOptions = {}): Promise<Buffer> {
  const heading = title(view);
  const when = view.issuedAt ? new Date(view.issuedAt) : new Date(`${view.periodFrom}T00:00:00Z`);
  const doc = new PDFDocument({
    pdfVersion: '1.7',
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    compress: options.compress ?? true,
    size: 'A4',
    margin: 56,
    info: {
      Title: `${heading}: ${view.organisation.name}, ${view.period}`,
      Author: view.host.name,
      Subject: `Recharge for ${longDate(view.periodFrom)} to ${longDate(view.periodTo)}`,
      Creator: 'Tandem',
      CreationDate: when,
      ModDate: when,
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
  const text = (type: string, value: string, style: { size: number; bold?: boolean; gap?: number }) => {
    root.add(
      doc.struct(type, {}, () => {
        doc
          .font(style.bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(style.size)
          .text(value);
      }),
    );
    doc.moveDown(style.gap ?? 0.4);
  };

  text('H1', heading, { size: 20, bold: true });
  text(
    'P',
    `From ${view.host.name} (${view.host.code}) to ${view.organisation.name} (${view.organisation.code})`,
    {
      size: 11,
    },
  );
  text('P', `Period ${view.period}: ${longDate(view.periodFrom)} to ${longDate(view.periodTo)}`, {
    size: 11,
  });
  if (view.issuedAt) text('P', `Issued ${longDate(view.issuedAt.slice(0, 10))}`, { size: 11 });
  else text('P', `Not issued: this is a draft (${view.status}) and may change`, { size: 11 });
  if (view.corrects)
    text(
      'P',
      view.kind === 'credit_note'
        ? `This credit note takes back statement ${view.corrects} in full.`
        : `This statement replaces statement ${view.corrects}.`,
      { size: 11 },
    );
  doc.moveDown(0.6);

  for (const group of view.serviceLines) {
    text('H2', group.name, { size: 14, bold: true, gap: 0.3 });
    const header = ['Description', 'Quantity', 'Unit price', 'Amount'].map((label) => ({
      text: label,
      type: 'TH' as const,
      scope: 'Column' as const,
      font: { src: 'Helvetica-Bold' },
    }));
    const rows = group.lines.map((line) => [
      { text: `${line.line}. ${line.description}${line.offering ? ` (${line.offering.code})` : ''}` },
      {
        text:
          line.quantity === null
            ? ''
            : `${line.quantity}${line.unit ? ` ${line.unit.replace(/_/g, ' ')}` : ''}`,
        align: 'right',
      },
      { text: line.unitPricePence === null ? '' : formatMoney(BigInt(line.unitPricePence)), align: 'right' },
      { text: formatMoney(BigInt(line.amountPence)), align: 'right' },
    ]);
    rows.push([
      { text: `Total for ${group.name}`, font: { src: 'Helvetica-Bold' } } as never,
      { text: '' },
      { text: '' },
      {
        text: formatMoney(BigInt(group.totalPence)),
        align: 'right',
        font: { src: 'Helvetica-Bold' },
      } as never,
    ]);
    doc.font('Helvetica').fontSize(9);
    doc.table({
      structParent: root,
      columnStyles: ['*', 90, 70, 80],
      data: [header, ...rows],
    } as unknown as PDFKit.Mixins.TableOptionsWithData);
    doc.moveDown(0.8);
  }
  if (!view.serviceLines.length) text('P', 'There are no charges on this statement.', { size: 11 });

  text('H2', `Total: ${formatMoney(BigInt(view.totalPence))}`, { size: 14, bold: true });
  root.end();
  doc.end();
  return done;
}
