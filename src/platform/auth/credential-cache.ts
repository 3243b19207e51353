/**
 * Who a session or API token belongs to, remembered for a few seconds, so that a client making
 * many requests does not cost a database round trip per request just to say who it is.
 *
 * It must never let a revoked credential through. Every entry is dropped as soon as anything
 * that could change an answer commits: in this process through `changing(work)`, which the use
 * cases that make such changes run their unit of work in; in other processes
 * through the database's notification (see migration 0005 and `Database.listen`). A lookup that
 * was already under way when something changed does not store its answer, since it may have
 * read the state from before. While notifications cannot be heard (a server connection lost),
 * the cache stands aside and every request asks the database.
 *
 * Only positive answers are kept: an unknown token costs a lookup every time, so guessing cannot
 * fill memory.
 */
export interface CredentialCacheOptions {
  /** How long an answer may be reused; 0 turns the cache off. */
  seconds: number;
  /** The most answers kept; the oldest goes first. */
  maxEntries?: number;
}

interface Entry<T> {
  value: T;
  until: number;
}

export class CredentialCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  /** Bumped by every change; a lookup stores its answer only if none happened while it ran. */
  private generation = 0;
  /** Off until whoever hears of changes says it can (`setLive`). */
  private live = false;

  constructor(options: CredentialCacheOptions) {
    this.ttlMs = options.seconds * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /**
   * The answer for `key`: reused if recent, else from `load`. `expiresAt` is when the credential
   * itself expires (milliseconds since the epoch); an answer is never reused past it.
   */
  async lookup(
    key: string,
    load: () => Promise<T | undefined>,
    expiresAt: (value: T) => number,
  ): Promise<T | undefined> {
    if (!this.live) return load();
    const started = Date.now();
    const hit = this.entries.get(key);
    if (hit) {
      if (hit.until > started) return hit.value;
      this.entries.delete(key);
    }
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && this.live && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      this.entries.set(key, { value, until: Math.min(started + this.ttlMs, expiresAt(value)) });
    }
    return value;
  }

  /** Drops every answer; call after committing anything that could change one. */
  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /**
   * Runs `work`, which changes what some credential stands for, and drops every answer once it has
   * ended: also if it failed, since a COMMIT whose answer was lost may still have happened.
   */
  async changing<R>(work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } finally {
      this.forgetAll();
    }
  }

  /**
   * Whether changes made elsewhere can be heard. While they cannot, nothing is reused; when they
   * can again, nothing from before is trusted.
   */
  setLive(live: boolean): void {
    this.live = live && this.ttlMs > 0;
    this.forgetAll();
  }

  get size(): number {
    return this.entries.size;
  }
}
