import { translate } from '../../../platform/web/index.js';
import { PRIORITIES, type Priority, type Target, type Targets } from './sla-policies.schemas.js';

/** A target as people read it: "30 working minutes", "1 working day". */
export function describeTarget(target: Target): string {
  const form = target.value === 1 ? 'one' : 'other';
  return translate(`catalogue.targetAmounts.${target.unit}.${form}`, { count: target.value });
}

/** The rows of a policy's targets table, one per priority, highest first. */
export function targetRows(
  targets: Targets,
): Array<{ priority: Priority; response: string; resolution: string }> {
  return PRIORITIES.map((priority) => ({
    priority,
    response: describeTarget(targets[priority].response),
    resolution: describeTarget(targets[priority].resolution),
  }));
}
