import { hasRole, type Principal } from '../../platform/auth/index.js';
import { forbidden } from '../../platform/errors.js';

/**
 * Who may do what with charges. The host's finance officers keep arrangements, pools and driver
 * values and run, review, issue and correct recharges; its executives read them (and the Teckal
 * indicator); its service managers read the statement lines of the lines they manage. A partner's
 * managers read their own organisation's issued statements and arrangements, never a draft.
 */
export type BillingRole = 'finance' | 'executive' | 'service_manager' | 'partner' | 'none';

export function billingRole(principal: Principal): BillingRole {
  if (principal.org.role === 'host') {
    if (hasRole(principal, 'finance_officer')) return 'finance';
    if (hasRole(principal, 'executive')) return 'executive';
    if (hasRole(principal, 'service_manager')) return 'service_manager';
    return 'none';
  }
  return hasRole(principal, 'partner_manager') ? 'partner' : 'none';
}

/** The host acted in, for the host's finance officers; refused for anyone else. */
export function requireFinance(principal: Principal): string {
  if (billingRole(principal) !== 'finance') throw forbidden('Only the host’s finance officers can do that');
  return principal.org.orgId;
}

/** The host acted in, for anyone of the host who may read charges. */
export function requireHostReader(principal: Principal): string {
  const role = billingRole(principal);
  if (role !== 'finance' && role !== 'executive' && role !== 'service_manager')
    throw forbidden('You cannot see recharges');
  return principal.org.orgId;
}
