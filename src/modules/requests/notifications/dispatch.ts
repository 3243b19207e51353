/**
 * Mail queued by a unit of work can go as soon as it commits, rather than at the sender's next
 * minute. Queuing happens inside the unit of work, where nothing may be sent; so it only raises a
 * flag here, and whoever ran the unit of work (a route, once it has answered; a job, once it is done)
 * asks the sender for a dispatch if the flag is up.
 */
let queued = false;

/** Says that a unit of work under way has queued mail. */
export function signalMailQueued(): void {
  queued = true;
}

/** Whether mail was queued since the last call; lowers the flag. */
export function takeMailSignal(): boolean {
  const was = queued;
  queued = false;
  return was;
}
