import type { ClockReading, ClockReadings, ClockState } from '../../../kernel/sla-clock.js';

/** One clock as the API and pages show it: whole minutes (elapsed and paused rounded down), ISO instants. */
export interface ClockJson {
  target: number;
  elapsed: number;
  paused: number;
  remaining: number;
  due: string | null;
  state: ClockState;
  stoppedAt: string | null;
  breachedAt: string | null;
}

export interface SlaJson {
  response: ClockJson;
  resolution: ClockJson;
}

function clockJson(reading: ClockReading): ClockJson {
  const elapsed = Math.floor(reading.elapsed);
  return {
    target: Math.round(reading.target),
    elapsed,
    paused: Math.floor(reading.paused),
    remaining: Math.max(0, Math.ceil(reading.remaining)),
    due: reading.due?.toISOString() ?? null,
    state: reading.state,
    stoppedAt: reading.stoppedAt?.toISOString() ?? null,
    breachedAt: reading.breachedAt?.toISOString() ?? null,
  };
}

export function slaJson(readings: ClockReadings): SlaJson {
  return { response: clockJson(readings.response), resolution: clockJson(readings.resolution) };
}
