import { hasRole, type Principal } from '../../../platform/auth/index.js';
import { registerNavigation, type StartingPoint } from '../../../platform/web/index.js';
import { words } from './pages.deps.js';

const inHost = (principal: Principal) => principal.org.role === 'host';
const partnerPerson = (principal: Principal) =>
  !inHost(principal) && hasRole(principal, 'requester', 'partner_manager');
const worker = (principal: Principal) => inHost(principal) && hasRole(principal, 'agent', 'team_lead');
const hostReader = (principal: Principal) =>
  inHost(principal) && hasRole(principal, 'agent', 'team_lead', 'service_manager', 'platform_administrator');

/** Where requests appear in the navigation and on the home page, by role. */
registerNavigation({
  items(principal) {
    const items: Array<{ href: string; key: string }> = [];
    if (worker(principal)) items.push({ href: '/queue', key: 'requests.pages.nav.queue' });
    if (partnerPerson(principal) || hostReader(principal))
      items.push({ href: '/requests', key: 'requests.pages.nav.requests' });
    if (!inHost(principal) && hasRole(principal, 'partner_manager'))
      items.push({ href: '/approvals', key: 'requests.pages.nav.approvals' });
    return items;
  },

  startingPoints(principal) {
    const params = { organisation: principal.org.name };
    const point = (href: string, key: string, lead = true): StartingPoint & { lead: boolean } => ({
      lead,
      href,
      title: words(`home.${key}.title`, params),
      description: words(`home.${key}.description`, params),
    });
    const points: Array<StartingPoint & { lead: boolean }> = [];
    // Agents start at their queue; service managers and administrators, who oversee, find the
    // requests after their own pages.
    if (worker(principal)) points.push(point('/queue', 'queue'));
    if (partnerPerson(principal)) {
      if (hasRole(principal, 'partner_manager')) points.push(point('/approvals', 'approvals'));
      points.push(point('/requests/new', 'raise'));
      points.push(point('/requests', hasRole(principal, 'partner_manager') ? 'organisation' : 'own'));
    } else if (hostReader(principal)) points.push(point('/requests', 'all', worker(principal)));
    return points;
  },
});
