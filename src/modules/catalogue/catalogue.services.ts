import type { Database } from '../../platform/db/index.js';
import { serviceLinesService } from './service-lines/service-lines.service.js';
import { offeringsService } from './offerings/offerings.service.js';
import { variantsService } from './offerings/variants.service.js';
import { tariffsService } from './tariffs/tariffs.service.js';
import { calendarsService } from './calendars/calendars.service.js';
import { slaPoliciesService } from './sla-policies/sla-policies.service.js';

/** The catalogue's use cases, one set per slice, over one database. */
export function catalogueServices(db: Database) {
  return {
    serviceLines: serviceLinesService(db),
    offerings: offeringsService(db),
    variants: variantsService(db),
    tariffs: tariffsService(db),
    calendars: calendarsService(db),
    slaPolicies: slaPoliciesService(db),
  };
}

export type CatalogueServices = ReturnType<typeof catalogueServices>;
