import type { FastifyRequest } from 'fastify';

/**
 * The path a request is handled under: the pattern of the route the router chose
 * (`/api/v1/organisations/:id`), or, when no route matched, the URL's path decoded. Decisions about
 * what kind of request this is (the API, an asset, a health check) are made on this, never on the
 * raw URL: the router decodes `/%61pi/v1/me` to the API's `/api/v1/me`, so a test of the raw URL
 * would take an API request for a page.
 */
export function routedPath(request: FastifyRequest): string {
  const route = request.routeOptions.url;
  if (route !== undefined) return route;
  const raw = request.url;
  const end = raw.search(/[?#]/);
  const path = end === -1 ? raw : raw.slice(0, end);
  try {
    return decodeURIComponent(path);
  } catch {
    // Not valid percent-encoding: no route could have matched it either.
    return path;
  }
}

/** Requests to the JSON API: bearer tokens, never cookies; errors as JSON. */
export function isApiRequest(request: FastifyRequest): boolean {
  return routedPath(request).startsWith('/api/');
}

/** Static files: no one needs to be signed in, and no form is shown. */
export function isAssetRequest(request: FastifyRequest): boolean {
  return routedPath(request).startsWith('/assets/');
}

/** The load balancer's probes: answered as JSON, whoever asks. */
export function isHealthCheck(request: FastifyRequest): boolean {
  const path = routedPath(request);
  return path === '/healthz' || path === '/readyz';
}
