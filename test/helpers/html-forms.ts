/** The forms on a page as a browser would submit them: action, method and the fields with their values. */
export interface PageForm {
  action: string;
  method: string;
  /** Field name → the values a browser would send as the page stands (several for repeated names). */
  fields: Record<string, string[]>;
  /** Every field name on the form, sent or not (unchecked boxes, unselected radios). */
  names: string[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)),
      );
    return ENTITIES[name.toLowerCase()] ?? all;
  });
}

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    const name = match[1]!.toLowerCase();
    if (name in found) continue;
    found[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return found;
}

/** Reads the forms of a server-rendered page (GOV.UK markup is regular enough for this). */
export function formsOf(html: string, pageUrl = '/'): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(match[1]!);
    const inner = match[2]!;
    const fields: Record<string, string[]> = {};
    const names: string[] = [];
    const add = (name: string | undefined, value: string | undefined) => {
      if (!name) return;
      if (!names.includes(name)) names.push(name);
      if (value !== undefined) (fields[name] ??= []).push(value);
    };
    const tags = /<textarea\b([^>]*)>([\s\S]*?)<\/textarea>|<(input|select)\b([^>]*)>/gi;
    for (const tag of inner.matchAll(tags)) {
      if (tag[1] !== undefined) {
        const a = attributes(tag[1]);
        if (!('disabled' in a)) add(a.name, decodeEntities(tag[2]!.replace(/^\n/, '')));
        continue;
      }
      const kind = tag[3]!.toLowerCase();
      const a = attributes(tag[4]!);
      if ('disabled' in a) continue;
      if (kind === 'input') {
        const type = (a.type ?? 'text').toLowerCase();
        if (['submit', 'button', 'image', 'reset', 'file'].includes(type)) {
          if (type === 'file') add(a.name, undefined);
          continue;
        }
        if (type === 'checkbox' || type === 'radio')
          add(a.name, 'checked' in a ? (a.value ?? 'on') : undefined);
        else add(a.name, a.value ?? '');
      } else {
        const body = /^([\s\S]*?)<\/select>/i.exec(inner.slice(tag.index + tag[0].length))?.[1] ?? '';
        const options = [...body.matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/gi)].map((o) => ({
          a: attributes(o[1]!),
          text: decodeEntities(o[2]!.trim()),
        }));
        const chosen = options.find((o) => 'selected' in o.a) ?? options[0];
        add(a.name, chosen ? (chosen.a.value ?? chosen.text) : undefined);
      }
    }
    forms.push({
      action: new URL(attrs.action || pageUrl, `http://tandem.invalid${pageUrl}`).pathname,
      method: (attrs.method ?? 'get').toLowerCase(),
      fields,
      names,
    });
  }
  return forms;
}

/** Every option value of a select, radios or checkboxes named `name` on a page. */
export function choicesOf(html: string, name: string): string[] {
  const values: string[] = [];
  for (const tag of html.matchAll(/<input\b([^>]*)>/gi)) {
    const a = attributes(tag[1]!);
    if (a.name === name && (a.type === 'radio' || a.type === 'checkbox') && a.value !== undefined)
      values.push(a.value);
  }
  const select = new RegExp(`<select\\b[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`, 'i').exec(html);
  if (select)
    for (const o of select[1]!.matchAll(/<option\b([^>]*)>([\s\S]*?)<\/option>/gi))
      values.push(attributes(o[1]!).value ?? decodeEntities(o[2]!.trim()));
  return values;
}
