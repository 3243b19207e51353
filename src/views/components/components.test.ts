import { describe, expect, it } from 'vitest';
import { configureNunjucks } from '../../platform/web/views.js';
import { dateInputFrom, readDateInput, type DateInputField } from '../../platform/web/date-input.js';

const env = configureNunjucks();

function dateInput(field: DateInputField, params: Record<string, unknown> = {}): string {
  return env.renderString(
    '{% from "components/date-input/macro.njk" import appDateInput %}{{ appDateInput(params) }}',
    { params: { field, legend: 'When the price starts', ...params } },
  );
}

/** Each input's label text, by the input's id: what a screen reader announces for it. */
function labels(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/<label[^>]*for="([^"]+)"[^>]*>\s*([^<]*?)\s*<\/label>/g)].map((m) => [m[1], m[2]]),
  );
}

function inputs(html: string): Array<{ id: string; name: string; value: string; error: boolean }> {
  return [...html.matchAll(/<input\s[^>]*>/g)].map(([tag]) => ({
    id: /id="([^"]*)"/.exec(tag)![1]!,
    name: /name="([^"]*)"/.exec(tag)![1]!,
    value: /value="([^"]*)"/.exec(tag)?.[1] ?? '',
    error: tag.includes('govuk-input--error'),
  }));
}

describe('the date input macro', () => {
  it('names each box and groups them under the legend, with an example as the hint', () => {
    const html = dateInput(dateInputFrom('starts', '2026-03-07'));
    expect(labels(html)).toEqual({ 'starts-day': 'Day', 'starts-month': 'Month', 'starts-year': 'Year' });
    expect(inputs(html)).toEqual([
      { id: 'starts-day', name: 'starts-day', value: '7', error: false },
      { id: 'starts-month', name: 'starts-month', value: '3', error: false },
      { id: 'starts-year', name: 'starts-year', value: '2026', error: false },
    ]);
    expect(html).toMatch(/<fieldset class="govuk-fieldset" role="group" aria-describedby="starts-hint">/);
    expect(html).toMatch(
      /<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">\s*When the price starts/,
    );
    expect(html).toMatch(/id="starts-hint" class="govuk-hint">\s*For example, 27 3 2026\s*</);
  });

  it('shows the error, tied to the group, and marks only the boxes that are wrong', () => {
    const field = readDateInput({ 'starts-day': '27', 'starts-year': '2026' }, 'starts', {
      what: 'the date the price starts',
    });
    const html = dateInput(field);
    expect(html).toContain('govuk-form-group--error');
    expect(html).toContain('aria-describedby="starts-hint starts-error"');
    expect(html).toMatch(
      /id="starts-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:<\/span> The date the price starts must include a month/,
    );
    expect(inputs(html).map((input) => [input.id, input.value, input.error])).toEqual([
      ['starts-day', '27', false],
      ['starts-month', '', true],
      ['starts-year', '2026', false],
    ]);
  });

  it('adds hour and minute boxes for a time', () => {
    const html = dateInput(dateInputFrom('closes', '2026-07-01T15:30:00Z', { time: true }), {
      legend: 'When the office closes',
    });
    expect(labels(html)).toEqual({
      'closes-day': 'Day',
      'closes-month': 'Month',
      'closes-year': 'Year',
      'closes-hour': 'Hour',
      'closes-minute': 'Minute',
    });
    expect(inputs(html).map((input) => input.value)).toEqual(['1', '7', '2026', '16', '30']);
    expect(html).toContain('UK time, on the 24-hour clock');
  });

  it('can be the page heading', () => {
    const html = dateInput(dateInputFrom('starts', undefined), { isPageHeading: true });
    expect(html).toMatch(
      /<legend class="govuk-fieldset__legend govuk-fieldset__legend--l">\s*<h1 class="govuk-fieldset__heading">\s*When the price starts/,
    );
  });
});

describe('the scrolling table macro', () => {
  const region =
    /^<div class="app-scrolling-table" role="region" aria-label="([^"]*)" tabindex="0"( data-qa="[^"]*")?>/;

  it('wraps a written table in a focusable, named region', () => {
    const html = env
      .renderString(
        '{% from "components/scrolling-table/macro.njk" import appScrollingTable %}' +
          '{% call appScrollingTable({ label: label, qa: "users" }) %}<table class="govuk-table"></table>{% endcall %}',
        { label: 'Users & roles' },
      )
      .trim();
    expect(region.exec(html)?.slice(1)).toEqual(['Users &amp; roles', ' data-qa="users"']);
    expect(html).toContain('<table class="govuk-table"></table>');
  });

  it('or a GOV.UK table from its parameters', () => {
    const html = env
      .renderString(
        '{% from "components/scrolling-table/macro.njk" import appScrollingTable %}' +
          '{{ appScrollingTable({ label: "Prices", table: { caption: "Prices", head: [{ text: "Offering" }], rows: [[{ text: "Payroll" }]] } }) }}',
        {},
      )
      .trim();
    expect(region.exec(html)?.[1]).toBe('Prices');
    expect(html).toMatch(/<th scope="col" class="govuk-table__header">Offering<\/th>/);
    expect(html).toMatch(/<td class="govuk-table__cell">Payroll<\/td>/);
  });
});
