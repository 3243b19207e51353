import { inScope, type Database, type Tx } from '../../../platform/db/index.js';
import { parsePence } from '../../../kernel/money.js';
import { recordAudit } from '../../audit/index.js';
import { agreementsRepository } from '../../organisations/index.js';
import { serviceLinesRepository } from '../service-lines/service-lines.repository.js';
import { calendarsRepository } from '../calendars/calendars.repository.js';
import { slaPoliciesRepository } from '../sla-policies/sla-policies.repository.js';
import { offeringsRepository } from '../offerings/offerings.repository.js';
import { tariffsRepository } from '../tariffs/tariffs.repository.js';
import { historyRepository } from '../catalogue.history.js';
import { OFFERINGS } from './offerings.data.js';
import { AGREEMENTS, CALENDARS, FROM, HOST, LINES, MANAGER, POLICIES, VARIANTS } from './partnership.data.js';

function pence(pounds: string): number {
  const price = parsePence(pounds);
  if (!('pence' in price)) throw new Error(`demo price ${pounds} is not a price`);
  return price.pence;
}

/**
 * Loads the demo catalogue: six service lines, their offerings with prices and SLA policies, a
 * council-wide calendar, agreements, and local variants for Wyvern and the fire service. Adds only
 * what is missing. Runs as the host's service manager, since only service managers write the catalogue.
 */
export async function seedDemoCatalogue(
  db: Database,
  onProgress: (message: string) => void = () => {},
): Promise<number> {
  const admin = { orgIds: [] as string[], platformAdmin: true };
  const { orgs, managerId } = await inScope(db, admin, async (tx) => ({
    orgs: new Map(
      (await tx.selectFrom('organisations').select(['id', 'code']).execute()).map((o) => [o.code, o.id]),
    ),
    managerId: (await tx.selectFrom('users').select('id').where('email', '=', MANAGER).executeTakeFirst())
      ?.id,
  }));
  const hostId = orgs.get(HOST);
  if (!hostId || !managerId) return 0;
  const manager = { userId: managerId, orgIds: [hostId] };
  let added = 0;
  const audit = (tx: Tx, action: string, entityType: string, after: object) =>
    recordAudit(tx, {
      actorUserId: null,
      orgId: hostId,
      action,
      entityType,
      after: { ...after, source: 'demo' },
    });

  const lines = await inScope(db, manager, async (tx) => {
    const found = new Map<string, { id: string; orgId: string; code: string; name: string }>();
    for (const line of LINES) {
      let stored = await serviceLinesRepository.byCode(tx, hostId, line.code);
      if (!stored) {
        stored = await serviceLinesRepository.insert(tx, {
          orgId: hostId,
          ...line,
          managerUserIds: [managerId],
        });
        await audit(tx, 'service-line.add', 'service_line', { code: line.code });
        added++;
      }
      found.set(line.code, stored);
    }
    return found;
  });
  onProgress(`catalogue: ${LINES.length} service lines`);

  await inScope(db, admin, async (tx) => {
    for (const [partner, codes] of Object.entries(AGREEMENTS)) {
      const orgId = orgs.get(partner);
      if (!orgId) continue;
      const existing = await agreementsRepository.list(tx, orgId);
      for (const code of codes) {
        const line = lines.get(code)!;
        if (existing.some((a) => a.serviceLineId === line.id)) continue;
        await agreementsRepository.insert(tx, {
          orgId,
          hostOrgId: hostId,
          serviceLineId: line.id,
          validFrom: FROM,
          validTo: null,
        });
        added++;
      }
    }
  });
  onProgress('catalogue: agreements');

  await inScope(db, manager, async (tx) => {
    for (const { owner, code, ...values } of CALENDARS) {
      if (await calendarsRepository.byCode(tx, code, { hostOrgId: hostId })) continue;
      await calendarsRepository.insert(
        tx,
        { orgId: orgs.get(owner)!, hostOrgId: hostId, code },
        { ...values, timeZone: 'Europe/London' },
      );
      added++;
    }
    for (const policy of POLICIES) {
      if (await slaPoliciesRepository.byCode(tx, hostId, policy.code)) continue;
      const calendar = (await calendarsRepository.byCode(tx, policy.calendar, { hostOrgId: hostId }))!;
      await slaPoliciesRepository.insert(tx, {
        orgId: calendar.orgId,
        hostOrgId: hostId,
        serviceLineId: lines.get(policy.line)!.id,
        calendarId: calendar.id,
        code: policy.code,
        name: policy.name,
        warningPercent: 75,
        pauseStates: ['awaiting_requester', 'awaiting_third_party'],
        targets: policy.targets,
      });
      added++;
    }
    onProgress('catalogue: calendars and SLA policies');

    for (const [lineCode, offerings] of Object.entries(OFFERINGS)) {
      const line = lines.get(lineCode)!;
      const policy = (await slaPoliciesRepository.byCode(tx, hostId, `${lineCode}-STANDARD`))!;
      for (const { price, lgslId, code, ...demo } of offerings) {
        if (await offeringsRepository.byCode(tx, hostId, code)) continue;
        const offering = await offeringsRepository.insert(tx, line, code, {
          ...demo,
          lgslId: lgslId ?? null,
          slaPolicyId: policy.id,
          status: 'active',
        });
        await historyRepository.record(tx, {
          orgId: hostId,
          hostOrgId: hostId,
          serviceLineId: line.id,
          entityType: 'offering',
          entityId: offering.id,
          version: 1,
          snapshot: { code, serviceLine: lineCode, ...demo, slaPolicy: policy.code, source: 'demo' },
          changedBy: null,
        });
        await tariffsRepository.insert(tx, {
          orgId: hostId,
          hostOrgId: hostId,
          serviceLineId: line.id,
          offeringId: offering.id,
          pence: pence(price),
          validFrom: FROM,
          validTo: null,
          createdBy: null,
        });
        await audit(tx, 'offering.add', 'offering', { code });
        added++;
      }
      onProgress(`catalogue: ${lineCode} offerings`);
    }

    for (const demo of VARIANTS) {
      const offering = (await offeringsRepository.byCode(tx, hostId, demo.offering))!;
      const partnerId = orgs.get(demo.partner)!;
      if (
        (await offeringsRepository.variants(tx, { offeringIds: [offering.id], orgIds: [partnerId] })).length
      )
        continue;
      if (demo.price)
        await tariffsRepository.insert(tx, {
          orgId: partnerId,
          hostOrgId: hostId,
          serviceLineId: offering.serviceLineId,
          offeringId: offering.id,
          pence: pence(demo.price),
          validFrom: FROM,
          validTo: null,
          createdBy: null,
        });
      const policy = demo.policy ? await slaPoliciesRepository.byCode(tx, hostId, demo.policy) : undefined;
      const variant = await offeringsRepository.saveVariant(tx, offering, partnerId, {
        name: demo.name ?? null,
        description: demo.description ?? null,
        hidden: demo.hidden ?? false,
        extraFields: demo.extraFields ?? [],
        slaPolicyId: policy?.id ?? null,
      });
      await historyRepository.record(tx, {
        orgId: partnerId,
        hostOrgId: hostId,
        serviceLineId: offering.serviceLineId,
        entityType: 'variant',
        entityId: variant.id,
        version: 1,
        snapshot: { ...demo, source: 'demo' },
        changedBy: null,
      });
      added++;
    }
    onProgress('catalogue: local variants');
  });
  return added;
}
