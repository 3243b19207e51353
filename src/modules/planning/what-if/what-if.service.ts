import { scopeOf, type Caller } from '../../../platform/auth/index.js';
import { inScope, readInScope, type Database, type Tx } from '../../../platform/db/index.js';
import { DomainError, notFound, validationFailed } from '../../../platform/errors.js';
import { isUuid } from '../../../platform/ids.js';
import { now } from '../../../platform/clock.js';
import { translate } from '../../../platform/web/index.js';
import { londonDate } from '../../../kernel/dates.js';
import { whatIf, type CostModel, type WhatIfResult } from '../../../kernel/what-if.js';
import { auditBy } from '../../audit/index.js';
import { planningPolicy as policy } from '../planning.policy.js';
import { readModel, readScenario, type ModelInput, type ScenarioInput } from './what-if.input.js';
import {
  whatIfRepository as repo,
  type LineWithModel,
  type StoredModel,
  type StoredScenario,
  type StoredVolume,
} from './what-if.repository.js';

/** The prospect's key among the partners' codes: never an organisation's code (those have no spaces). */
export const PROSPECT = 'prospect partner';

/** A scenario with its figures, computed by the kernel from what it keeps. */
export interface EvaluatedScenario extends Omit<StoredScenario, 'id' | 'createdAt' | 'createdByName'> {
  id?: string;
  createdAt?: Date;
  createdByName?: string | null;
  result: WhatIfResult;
}

export function kernelModel(model: StoredModel): CostModel {
  return {
    fixedPence: BigInt(model.fixedPence),
    variablePence: BigInt(model.variablePence),
    steps: model.steps.map((step) => ({
      fromVolume: BigInt(step.fromVolume),
      addedFixedPence: BigInt(step.addedFixedPence),
    })),
  };
}

function evaluate(scenario: Omit<EvaluatedScenario, 'result'>): EvaluatedScenario {
  const result = whatIf(
    kernelModel(scenario.model),
    scenario.volumes.map((v) => ({ key: v.code, volume: BigInt(v.volume) })),
    { key: PROSPECT, volume: BigInt(scenario.prospectVolume) },
  );
  return { ...scenario, result };
}

/** The twelve months to today (in England): the window existing partners' usage is read over. */
export function usageWindow(instant = now()): { from: string; until: string } {
  const today = londonDate(instant);
  const next = new Date(`${today}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const until = next.toISOString().slice(0, 10);
  const from = `${Number(until.slice(0, 4)) - 1}${until.slice(4)}`;
  return { from: from.endsWith('02-29') ? from.replace('02-29', '03-01') : from, until };
}

function noModel(line: string): DomainError {
  return new DomainError('ERR_NO_COST_MODEL', `Service line ${line} has no cost model yet: set one first`, {
    fields: { serviceLine: translate('planning.whatIf.errors.noModel', { line }) },
  });
}

export function whatIfService(db: Database) {
  const lineByCode = async (tx: Tx, hostOrgId: string, code: string): Promise<LineWithModel> => {
    const line = (await repo.lines(tx, hostOrgId)).find((l) => l.code === code.trim().toUpperCase());
    if (!line)
      throw validationFailed({
        serviceLine: translate('planning.whatIf.errors.serviceLineUnknown', { line: code }),
      });
    return line;
  };

  /** The scenario as it would be saved: the line's model now, volumes from usage unless entered. */
  const draft = async (tx: Tx, hostOrgId: string, input: ScenarioInput) => {
    const { value, errors } = readScenario(input);
    if (Object.keys(errors).length) throw validationFailed(errors);
    const line = await lineByCode(tx, hostOrgId, value.serviceLine);
    if (!line.model) throw noModel(line.code);
    const { updatedAt: _updatedAt, version: _version, ...model } = line.model;
    const usage = await repo.usage(tx, {
      hostOrgId,
      lineId: line.id,
      offering: model.offering,
      ...usageWindow(),
    });
    const unknown = [...value.volumes.keys()].filter((code) => !usage.some((u) => u.code === code));
    if (unknown.length)
      throw validationFailed({
        volumes: translate('planning.whatIf.errors.volumeUnknown', { organisations: unknown.join(', ') }),
      });
    const volumes: StoredVolume[] = usage.map((u) => {
      const entered = value.volumes.get(u.code);
      return {
        orgId: u.orgId,
        code: u.code,
        name: u.name,
        volume: String(entered ?? u.volume),
        source: entered === undefined || entered === u.volume ? 'usage' : 'entered',
      };
    });
    return {
      lineId: line.id,
      scenario: evaluate({
        serviceLineId: line.id,
        serviceLine: line.code,
        serviceLineName: line.name,
        name: value.name,
        prospect: value.prospect,
        prospectVolume: String(value.prospectVolume),
        model,
        volumes,
        notes: value.notes,
      }),
    };
  };

  return {
    /** The host's lines with their cost models and offerings. */
    async lines(ctx: Caller): Promise<LineWithModel[]> {
      const hostOrgId = policy.readPlans(ctx.principal);
      return readInScope(db, scopeOf(ctx.principal), (tx) => repo.lines(tx, hostOrgId));
    },

    /** Sets a line's cost model (executives and finance officers). */
    async setModel(ctx: Caller, lineCode: string, input: ModelInput): Promise<void> {
      const hostOrgId = policy.buildPlans(ctx.principal);
      const { value, errors } = readModel(input);
      if (Object.keys(errors).length) throw validationFailed(errors);
      await inScope(db, scopeOf(ctx.principal), async (tx) => {
        const line = await lineByCode(tx, hostOrgId, lineCode).catch(() => {
          throw notFound('That service line');
        });
        const offeringId = value.offering ? await repo.offeringId(tx, line.id, value.offering) : null;
        if (offeringId === undefined)
          throw validationFailed({
            offering: translate('planning.whatIf.errors.offering', { line: line.code }),
          });
        await repo.saveModel(tx, hostOrgId, line.id, ctx.principal.userId, { ...value, offeringId });
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'cost_model.set',
          entityType: 'line_cost_model',
          entityId: line.id,
          before: line.model,
          after: value,
        });
      });
    },

    /** What a new scenario for a line starts from: its model and each partner's last twelve months. */
    async start(ctx: Caller, lineCode: string) {
      const hostOrgId = policy.buildPlans(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const line = await lineByCode(tx, hostOrgId, lineCode).catch(() => {
          throw notFound('That service line');
        });
        if (!line.model) throw noModel(line.code);
        const window = usageWindow();
        const usage = await repo.usage(tx, {
          hostOrgId,
          lineId: line.id,
          offering: line.model.offering,
          ...window,
        });
        return { line, usage, window };
      });
    },

    /** The figures of a scenario, not saved. */
    async preview(ctx: Caller, input: ScenarioInput): Promise<EvaluatedScenario> {
      const hostOrgId = policy.buildPlans(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => (await draft(tx, hostOrgId, input)).scenario);
    },

    /** Saves a scenario with the model and volumes as they are now, so that it reads the same later. */
    async save(ctx: Caller, input: ScenarioInput): Promise<string> {
      const hostOrgId = policy.buildPlans(ctx.principal);
      return inScope(db, scopeOf(ctx.principal), async (tx) => {
        const { lineId, scenario } = await draft(tx, hostOrgId, input);
        const id = await repo.insertScenario(tx, hostOrgId, ctx.principal.userId, { ...scenario, lineId });
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'what_if.save',
          entityType: 'what_if_scenario',
          entityId: id,
          after: { serviceLine: scenario.serviceLine, name: scenario.name, prospect: scenario.prospect },
        });
        return id;
      });
    },

    async list(ctx: Caller): Promise<EvaluatedScenario[]> {
      const hostOrgId = policy.readPlans(ctx.principal);
      const stored = await readInScope(db, scopeOf(ctx.principal), (tx) => repo.scenarios(tx, hostOrgId));
      return stored.map(evaluate);
    },

    /** Scenarios by id, in the order asked; any that cannot be found is not found. */
    async get(ctx: Caller, ids: string[]): Promise<EvaluatedScenario[]> {
      const hostOrgId = policy.readPlan(ctx.principal);
      const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
      if (!wanted.length || !wanted.every(isUuid)) throw notFound('That scenario');
      const stored = await readInScope(db, scopeOf(ctx.principal), (tx) =>
        repo.scenariosById(tx, hostOrgId, wanted),
      );
      if (stored.length !== wanted.length) throw notFound('That scenario');
      return wanted.map((id) => evaluate(stored.find((s) => s.id === id)!));
    },

    async remove(ctx: Caller, id: string): Promise<void> {
      const hostOrgId = policy.buildPlans(ctx.principal);
      if (!isUuid(id)) throw notFound('That scenario');
      await inScope(db, scopeOf(ctx.principal), async (tx) => {
        if (!(await repo.removeScenario(tx, hostOrgId, id.toLowerCase()))) throw notFound('That scenario');
        await auditBy(tx, ctx, {
          orgId: hostOrgId,
          action: 'what_if.remove',
          entityType: 'what_if_scenario',
          entityId: id.toLowerCase(),
        });
      });
    },
  };
}

export type WhatIfService = ReturnType<typeof whatIfService>;
