import type { Principal } from '../../platform/auth/index.js';
import { registerNavigation, translate, type StartingPoint } from '../../platform/web/index.js';
import { billingRole } from './billing.policy.js';

/**
 * Where charges appear in the navigation and on the home page, by role (billing.policy.ts): the
 * host's readers of charges find recharge runs, with the pools and driver values behind them; a
 * partner's managers find their own statements. Usage is the metering module's page, listed here
 * beside the charges it feeds.
 */
registerNavigation({
  items(principal: Principal) {
    const role = billingRole(principal);
    if (role === 'none') return [];
    const items = [{ href: '/usage', key: 'recharges.nav.usage' }];
    if (role === 'partner') items.push({ href: '/statements', key: 'recharges.nav.statements' });
    else items.push({ href: '/recharges', key: 'recharges.nav.recharges' });
    return items;
  },

  startingPoints(principal: Principal) {
    const role = billingRole(principal);
    const params = { organisation: principal.org.name };
    const point = (href: string, key: string, lead: boolean): StartingPoint & { lead: boolean } => ({
      lead,
      href,
      title: translate(`recharges.home.${key}.title`, params),
      description: translate(`recharges.home.${key}.description`, params),
    });
    if (role === 'finance') return [point('/recharges', 'recharges', true), point('/usage', 'usage', false)];
    if (role === 'executive' || role === 'service_manager')
      return [point('/recharges', 'recharges', false), point('/usage', 'usage', false)];
    if (role === 'partner')
      return [point('/statements', 'statements', false), point('/usage', 'usageOwn', false)];
    return [];
  },
});
