import type { Principal } from '../auth/index.js';
import { hasRole } from '../auth/index.js';
import { translate } from './messages.js';

export interface NavigationItem {
  href: string;
  text: string;
  active: boolean;
}

/** The service navigation a person sees, by their roles in the organisation they are acting in. */
export function navigationFor(principal: Principal | null | undefined, url: string): NavigationItem[] {
  if (!principal) return [];
  const path = url.split('?')[0] ?? '/';
  const items: Array<{ href: string; key: string }> = [{ href: '/', key: 'nav.home' }];
  items.push({ href: '/organisations', key: 'nav.organisations' });
  items.push({ href: '/catalogue', key: 'catalogue.nav' });
  if (hasRole(principal, 'platform_administrator')) items.push({ href: '/users', key: 'nav.users' });
  items.push({ href: '/account/tokens', key: 'nav.tokens' });
  return items.map(({ href, key }) => ({
    href,
    text: translate(key),
    active: href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`),
  }));
}
