import type { FastifyInstance } from 'fastify';

/** One route the app serves, as registered: `/catalogue/offerings/:code`. */
export interface RouteEntry {
  method: string;
  url: string;
  /** Its path parameters in order (`*` for a wildcard). */
  params: string[];
}

const LINE = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z]+(?:, [A-Z]+)*)\))?$/;

/**
 * Every route of a built app but HEAD (Fastify adds one to each GET), read from the router's own
 * tree (`printRoutes`): each line of it is a node of the radix tree, and a route's path is the
 * text of the nodes from the root down to it. Each route found is then checked with `hasRoute`,
 * so a change in how Fastify prints the tree fails here, loudly, rather than hiding routes.
 */
export function routeTable(app: FastifyInstance): RouteEntry[] {
  const printed = app.printRoutes();
  const stack: string[] = [];
  const routes: RouteEntry[] = [];
  for (const line of printed.split('\n')) {
    if (!line.trim()) continue;
    const match = LINE.exec(line);
    if (!match) throw new Error(`route table: cannot read the line ${JSON.stringify(line)}`);
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    if (!match[3]) continue;
    const url = stack.join('');
    for (const method of match[3].split(', ')) {
      if (method === 'HEAD') continue;
      routes.push({ method, url, params: paramsOf(url) });
    }
  }
  for (const route of routes) {
    if (!app.hasRoute({ method: route.method, url: route.url }))
      throw new Error(`route table: read ${route.method} ${route.url}, which the app does not have`);
  }
  if (!routes.some((route) => route.method === 'GET' && route.url === '/'))
    throw new Error('route table: no GET / found; the tree was not read correctly');
  return routes.sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
}

export function paramsOf(url: string): string[] {
  return [...url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*');
}

/**
 * The key a parameter is filled by: the path segment before it and its name
 * (`offerings/:code`, `variants/:partner`, `app/*`), since one name (`code`) means different
 * records under different resources.
 */
export function paramKeys(url: string): string[] {
  const segments = url.split('/');
  const keys: string[] = [];
  segments.forEach((segment, i) => {
    if (segment.startsWith(':') || segment === '*') keys.push(`${segments[i - 1] ?? ''}/${segment}`);
  });
  return keys;
}

/**
 * The URL with each parameter replaced by the value given for its key, URL-encoded (unless
 * `encoded`: the values are already as they go on the wire, `%00` and all).
 */
export function fillPath(url: string, values: Record<string, string>, encoded = false): string {
  const segments = url.split('/');
  return segments
    .map((segment, i) => {
      if (!segment.startsWith(':') && segment !== '*') return segment;
      const key = `${segments[i - 1] ?? ''}/${segment}`;
      const value = values[key];
      if (value === undefined) throw new Error(`no value for ${key} in ${url}`);
      return segment === '*' || encoded ? value : encodeURIComponent(value);
    })
    .join('/');
}
