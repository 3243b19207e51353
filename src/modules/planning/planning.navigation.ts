import { hasRole, type Principal } from '../../platform/auth/index.js';
import { registerNavigation, translate, type StartingPoint } from '../../platform/web/index.js';
import { planningRole } from './planning.policy.js';
import { governanceRole } from './governance/governance.policy.js';

const t = (key: string, params: Record<string, string | number> = {}) => translate(`planning.${key}`, params);

/** Where planning appears in the navigation and on the home page, by role (see planning.policy.ts). */
registerNavigation({
  items(principal: Principal) {
    const role = planningRole(principal);
    const items: Array<{ href: string; key: string }> = [];
    if (role === 'builder' || role === 'partner')
      items.push({ href: '/planning/savings', key: 'planning.nav.savings' });
    if (role === 'builder' || role === 'reader') {
      items.push({ href: '/planning/business-cases', key: 'planning.nav.cases' });
      items.push({ href: '/planning/what-if', key: 'planning.nav.whatIf' });
    }
    if (role === 'builder' || role === 'partner')
      items.push({ href: '/planning/reports', key: 'reports.nav' });
    if (governanceRole(principal) !== 'none')
      items.push({ href: '/planning/governance', key: 'governance.nav' });
    return items;
  },

  startingPoints(principal: Principal) {
    const role = planningRole(principal);
    const params = { organisation: principal.org.name };
    const point = (href: string, key: string, lead: boolean): StartingPoint & { lead: boolean } => ({
      lead,
      href,
      title: t(`home.${key}.title`, params),
      description: t(`home.${key}.description`, params),
    });
    // Executives start from the whole picture; finance officers keep it after their own pages.
    // Others find planning in the navigation.
    if (role !== 'builder' || !hasRole(principal, 'executive', 'finance_officer')) return [];
    const executive = hasRole(principal, 'executive');
    return [
      point('/planning/savings', 'savings', executive),
      point('/planning/business-cases', 'cases', executive),
      point('/planning/what-if', 'whatIf', false),
    ];
  },
});
