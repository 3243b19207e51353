import type { Principal } from '../../../platform/auth/index.js';
import { registerNavigation } from '../../../platform/web/index.js';
import { partnershipRole } from '../organisations.policy.js';

/** The pipeline in the navigation: for the host's people who may read it (see organisations.policy.ts). */
registerNavigation({
  items(principal: Principal) {
    const role = partnershipRole(principal);
    return role === 'keeper' || role === 'reader'
      ? [{ href: '/partnership/pipeline', key: 'pipeline.nav' }]
      : [];
  },
  startingPoints: () => [],
});
