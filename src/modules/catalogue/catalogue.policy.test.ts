import { describe, expect, it } from 'vitest';
import type { Principal, Role } from '../../platform/auth/index.js';
import { cataloguePolicy as policy, ownersOf, type Access } from './catalogue.policy.js';

const HOST = '00000000-0000-4000-8000-000000000001';
const PARTNER = '00000000-0000-4000-8000-000000000002';
const [IT, FIN] = ['line-it', 'line-fin'];

function principal(role: 'host' | 'partner', roles: Role[], userId = 'user-1'): Principal {
  const org = { orgId: role === 'host' ? HOST : PARTNER, code: 'X', name: 'X', role, roles };
  return { userId, email: 'x@example.org', name: 'X', org, memberships: [org], via: 'session' };
}

function access(who: Principal, managed: string[]): Access {
  const isHost = who.org.role === 'host';
  return {
    principal: who,
    orgId: who.org.orgId,
    hostOrgId: HOST,
    isHost,
    lineIds: isHost ? [IT, FIN] : [IT],
    managedLineIds: managed,
  };
}

const manager = access(principal('host', ['service_manager']), [IT]);
const otherManager = access(principal('host', ['service_manager']), [FIN]);
const agent = access(principal('host', ['agent']), []);
const partner = access(principal('partner', ['partner_manager']), []);

const outcome = (check: () => void) => {
  try {
    check();
    return 'allowed';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("the catalogue's policy", () => {
  it("shows prices to those they concern: managers theirs to change, the host's finance all, partners their own and the standard", () => {
    const finance = access(principal('host', ['finance_officer']), []);
    const executive = access(principal('host', ['executive']), []);
    const requester = access(principal('partner', ['requester']), []);
    const takesNothing = { ...access(principal('partner', ['partner_manager']), []), lineIds: [] };
    expect(policy.seePrices(manager)).toEqual({ lineIds: [IT], canChange: true });
    expect(policy.seePrices(finance)).toEqual({ lineIds: [IT, FIN], canChange: false });
    expect(policy.seePrices(executive)).toEqual({ lineIds: [IT, FIN], canChange: false });
    for (const someone of [partner, requester])
      expect(policy.seePrices(someone)).toEqual({ lineIds: [IT], orgIds: [HOST, PARTNER], canChange: false });
    for (const no of [agent, takesNothing]) {
      expect(outcome(() => policy.seePrices(no))).toBe('ERR_NOT_FOUND');
      expect(policy.canSeePrices(no)).toBe(false);
    }
    expect(policy.canSeePrices(partner)).toBe(true);
  });

  it.each([
    ['the manager of the line', manager, IT, 'allowed'],
    ['a manager of another line', otherManager, IT, 'ERR_FORBIDDEN'],
    ['host staff who keep no line', agent, IT, 'ERR_NOT_FOUND'],
    ['a partner taking the line', partner, IT, 'ERR_NOT_FOUND'],
    ['anyone, for a line not seen', manager, 'line-unknown', 'ERR_NOT_FOUND'],
    ['anyone, for no line at all', manager, undefined, 'ERR_NOT_FOUND'],
  ])('lets %s manage a line: %s', (_who, who, line, expected) => {
    expect(outcome(() => policy.manageLine(who, line))).toBe(expected);
  });

  it('names the problem of a line named in a form as that field', () => {
    const unknown = () => Object.assign(new Error('x'), { code: 'ERR_VALIDATION' });
    expect(outcome(() => policy.manageLine(manager, 'line-unknown', unknown as never))).toBe(
      'ERR_VALIDATION',
    );
  });

  it.each([
    ['a service manager of the host', principal('host', ['service_manager']), 'allowed'],
    ['an agent of the host', principal('host', ['agent']), 'ERR_FORBIDDEN'],
    ['a partner with the role written in', principal('partner', ['service_manager']), 'ERR_FORBIDDEN'],
  ])('lets %s keep calendars and add lines: %s', (_who, who, expected) => {
    expect(outcome(() => policy.keepCalendars(who))).toBe(expected);
    expect(outcome(() => policy.addServiceLine(who))).toBe(expected);
  });

  it("opens a line's page to the host's staff and platform administrators, and its people to its managers", () => {
    const line = { orgId: HOST, managerUserIds: ['user-1'] };
    expect(outcome(() => policy.seeLinePage(principal('host', ['agent']), line))).toBe('allowed');
    expect(outcome(() => policy.seeLinePage(principal('partner', ['requester']), line))).toBe(
      'ERR_NOT_FOUND',
    );
    expect(outcome(() => policy.seeLinePage(principal('partner', ['platform_administrator']), line))).toBe(
      'allowed',
    );
    expect(policy.canKeepLinePeople(principal('host', ['service_manager']), line)).toBe(true);
    expect(policy.canKeepLinePeople(principal('host', ['service_manager'], 'user-2'), line)).toBe(false);
    expect(policy.canKeepLinePeople(principal('host', ['agent']), line)).toBe(false);
    expect(policy.canKeepLinePeople(principal('host', ['platform_administrator'], 'user-3'), line)).toBe(
      true,
    );
    expect(outcome(() => policy.manageAnyLine(agent))).toBe('ERR_NOT_FOUND');
    expect(outcome(() => policy.manageAnyLine(otherManager))).toBe('allowed');
  });

  it("sees the standard's rows and a partner's own", () => {
    expect(ownersOf(partner)).toEqual([HOST, PARTNER]);
    expect(ownersOf(manager)).toEqual([HOST]);
  });
});
