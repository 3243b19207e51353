import type { Principal, Role } from '../auth/index.js';
import { hasRole } from '../auth/index.js';
import { translate, type Messages } from './messages.js';

export interface NavigationItem {
  href: string;
  text: string;
  active: boolean;
}

/**
 * What a module adds to the navigation and the home page, by the person's roles: entries of the
 * service navigation (after Home) and starting points (before the platform's own). Modules register
 * when loaded, as they register their words.
 */
export interface ModuleNavigation {
  /** Service navigation entries: an address and the message key of its words. */
  items?(principal: Principal): Array<{ href: string; key: string }>;
  /**
   * Starting points for the home page, worded already: those marked `lead` (what the person does
   * most) before the platform's own, the others after them, API tokens staying last.
   */
  startingPoints?(principal: Principal): Array<StartingPoint & { lead?: boolean }>;
}

const modules: ModuleNavigation[] = [];

export function registerNavigation(navigation: ModuleNavigation): void {
  modules.push(navigation);
}

/** The service navigation a person sees, by their roles in the organisation they are acting in. */
export function navigationFor(principal: Principal | null | undefined, url: string): NavigationItem[] {
  if (!principal) return [];
  const path = url.split('?')[0] ?? '/';
  const items: Array<{ href: string; key: string }> = [{ href: '/', key: 'nav.home' }];
  for (const module of modules) items.push(...(module.items?.(principal) ?? []));
  items.push({ href: '/organisations', key: 'nav.organisations' });
  items.push({ href: '/catalogue', key: 'catalogue.nav' });
  if (hasRole(principal, 'platform_administrator')) items.push({ href: '/users', key: 'nav.users' });
  items.push({ href: '/account/tokens', key: 'nav.tokens' });
  items.push({ href: '/account/sessions', key: 'identity.sessions.nav' });
  return items.map(({ href, key }) => ({
    href,
    text: translate(key),
    active: href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`),
  }));
}

export interface StartingPoint {
  href: string;
  title: string;
  description: string;
}

type StartingPointKey = keyof Messages['home']['next'];

/**
 * Where each role starts, most central first. Only pages that exist, for the people they work for:
 * what a role will do later (requests, approvals, statements) joins here when its pages do.
 */
const STARTING_POINTS: ReadonlyArray<[Role, readonly StartingPointKey[]]> = [
  ['platform_administrator', ['users', 'organisationsAdmin', 'catalogueHost']],
  ['service_manager', ['catalogueManager', 'prices', 'calendars', 'slaPolicies']],
  ['partner_manager', ['cataloguePartner', 'pricesPartner', 'ownOrganisation']],
  ['requester', ['cataloguePartner']],
  ['agent', ['catalogueHost']],
  ['team_lead', ['catalogueHost', 'ownOrganisation']],
  ['finance_officer', ['catalogueHost', 'pricesHost', 'ownOrganisation']],
  ['executive', ['catalogueHost', 'ownOrganisation']],
];

const STARTING_POINT_PAGES: Record<StartingPointKey, (principal: Principal) => string> = {
  users: () => '/users',
  organisationsAdmin: () => '/organisations',
  ownOrganisation: (principal) => `/organisations/${principal.org.orgId}`,
  catalogueManager: () => '/catalogue',
  prices: () => '/catalogue/tariffs',
  pricesPartner: () => '/catalogue/tariffs',
  pricesHost: () => '/catalogue/tariffs',
  calendars: () => '/catalogue/calendars',
  slaPolicies: () => '/catalogue/sla-policies',
  cataloguePartner: () => '/catalogue',
  catalogueHost: () => '/catalogue',
  tokens: () => '/account/tokens',
};

/**
 * What a person can do next in the organisation they act for, by their roles there, for the home
 * page: each page once (the first role to name it words it), and API tokens, which everyone has, last.
 * Service managers' pages are the host's: in a partner the role means nothing yet.
 */
export function startingPointsFor(principal: Principal): StartingPoint[] {
  const keys: StartingPointKey[] = [];
  for (const [role, points] of STARTING_POINTS) {
    if (!hasRole(principal, role)) continue;
    if (role === 'service_manager' && principal.org.role !== 'host') continue;
    keys.push(...points);
  }
  const seen = new Set<string>();
  const params = { organisation: principal.org.name };
  const fromModules = modules.flatMap((module) => module.startingPoints?.(principal) ?? []);
  for (const point of fromModules) seen.add(point.href);
  const worded = (key: StartingPointKey): StartingPoint[] => {
    const href = STARTING_POINT_PAGES[key](principal);
    if (seen.has(href)) return [];
    seen.add(href);
    return [
      {
        href,
        title: translate(`home.next.${key}.title`, params),
        description: translate(`home.next.${key}.description`, params),
      },
    ];
  };
  const point = ({ href, title, description }: StartingPoint): StartingPoint => ({
    href,
    title,
    description,
  });
  return [
    ...fromModules.filter((p) => p.lead).map(point),
    ...keys.filter((key) => key !== 'tokens').flatMap(worded),
    ...fromModules.filter((p) => !p.lead).map(point),
    ...worded('tokens'),
  ];
}
