/**
 * Charts drawn on the server as SVG: one picture per chart with `role="img"`, a `<title>` and a
 * `<desc>` saying what it shows, for pages that always put a table of the same figures beside it
 * (the table is what a screen reader, a keyboard user or a narrow screen reads). No script: the
 * picture scales to its container (`viewBox`), so it reflows with the page at 320 px.
 *
 * Bars are horizontal, so that labels stay readable whatever the number of groups, and the axis runs
 * through zero, so a negative amount (a saving below nothing) is drawn leftwards of it.
 */

/** A colour for each series, each at least 3:1 against white (WCAG 1.4.11), told apart by the legend too. */
const SERIES_COLOURS = ['#1d70b8', '#0b0c0c', '#00703c', '#912b88'];

export interface BarChart {
  /** Unique on the page: the title's and description's ids derive from it. */
  id: string;
  title: string;
  description: string;
  series: string[];
  /** One group of bars per label, a value (or null: none) per series. */
  groups: Array<{ label: string; values: Array<bigint | null> }>;
  /** How a value is written beside its bar. */
  format: (value: bigint) => string;
}

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const WIDTH = 640;
const LABEL_WIDTH = 150;
const VALUE_WIDTH = 120;
const BAR = 16;
const BAR_GAP = 3;
const GROUP_GAP = 14;
const LEGEND = 30;

/** Shortens a label to fit the label column, with an ellipsis. */
function clip(label: string, most = 22): string {
  return label.length > most ? `${label.slice(0, most - 1)}…` : label;
}

/** A horizontal grouped bar chart as SVG markup. */
export function barChart(chart: BarChart): string {
  const values = chart.groups.flatMap((group) => group.values).filter((v): v is bigint => v !== null);
  const high = values.reduce((m, v) => (v > m ? v : m), 0n);
  const low = values.reduce((m, v) => (v < m ? v : m), 0n);
  const span = high - low === 0n ? 1n : high - low;
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  // Positions in tenths of a unit, from exact integers: no floating point before the last step.
  const x = (value: bigint) => LABEL_WIDTH + Number(((value - low) * BigInt(plot * 10)) / span) / 10;
  const zero = x(0n);
  const groupHeight = chart.series.length * (BAR + BAR_GAP) - BAR_GAP;
  const height = LEGEND + chart.groups.length * (groupHeight + GROUP_GAP) + 4;
  const titleId = `${chart.id}-title`;
  const descId = `${chart.id}-desc`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" aria-labelledby="${titleId} ${descId}" ` +
      `viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" focusable="false" ` +
      `font-family="GDS Transport, arial, sans-serif" font-size="13">`,
    `<title id="${titleId}">${escapeXml(chart.title)}</title>`,
    `<desc id="${descId}">${escapeXml(chart.description)}</desc>`,
  ];
  let legendX = LABEL_WIDTH;
  chart.series.forEach((name, index) => {
    parts.push(
      `<rect x="${legendX}" y="6" width="14" height="14" fill="${SERIES_COLOURS[index % SERIES_COLOURS.length]}"/>`,
      `<text x="${legendX + 20}" y="18" fill="#0b0c0c">${escapeXml(name)}</text>`,
    );
    legendX += 30 + name.length * 7;
  });
  chart.groups.forEach((group, g) => {
    const top = LEGEND + g * (groupHeight + GROUP_GAP);
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${top + groupHeight / 2 + 4}" text-anchor="end" fill="#0b0c0c">` +
        `${escapeXml(clip(group.label))}</text>`,
    );
    group.values.forEach((value, s) => {
      const y = top + s * (BAR + BAR_GAP);
      if (value === null) {
        parts.push(`<text x="${zero + 4}" y="${y + BAR - 4}" fill="#505a5f">—</text>`);
        return;
      }
      const end = x(value);
      const left = Math.min(zero, end);
      const width = Math.max(Math.abs(end - zero), value === 0n ? 0 : 1);
      parts.push(
        `<rect x="${left}" y="${y}" width="${width}" height="${BAR}" fill="${SERIES_COLOURS[s % SERIES_COLOURS.length]}"/>`,
        `<text x="${Math.max(zero, end) + 4}" y="${y + BAR - 4}" fill="#0b0c0c">${escapeXml(chart.format(value))}</text>`,
      );
    });
  });
  parts.push(
    `<line x1="${zero}" y1="${LEGEND - 4}" x2="${zero}" y2="${height - 2}" stroke="#505a5f" stroke-width="1"/>`,
    '</svg>',
  );
  return parts.join('');
}
