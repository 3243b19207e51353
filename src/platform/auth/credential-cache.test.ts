import { afterEach, describe, expect, it, vi } from 'vitest';
import { CredentialCache } from './credential-cache.js';

interface Answer {
  user: string;
  expiresAt: number;
}

const FAR = Date.now() + 86_400_000;
const expiry = (answer: Answer) => answer.expiresAt;

/** A cache that hears of changes (as the app's does once it is listening). */
function listening(options: { seconds: number; maxEntries?: number }) {
  const cache = new CredentialCache<Answer>(options);
  cache.setLive(true);
  return cache;
}

/** A loader that counts its calls and answers `answer`, or waits for `gate` first when given one. */
function loader(answer: Answer | undefined, gate?: Promise<void>) {
  const load = vi.fn(async () => {
    if (gate) await gate;
    return answer;
  });
  return load;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the credential cache', () => {
  it('reuses an answer for the time allowed, then asks again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = listening({ seconds: 10 });
    const load = loader({ user: 'a', expiresAt: FAR });
    expect(await cache.lookup('k', load, expiry)).toEqual({ user: 'a', expiresAt: FAR });
    vi.advanceTimersByTime(9_999);
    await cache.lookup('k', load, expiry);
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    await cache.lookup('k', load, expiry);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('never reuses an answer past the credential’s own expiry', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = listening({ seconds: 10 });
    const load = loader({ user: 'a', expiresAt: Date.now() + 2_000 });
    await cache.lookup('k', load, expiry);
    vi.advanceTimersByTime(1_999);
    await cache.lookup('k', load, expiry);
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    await cache.lookup('k', load, expiry);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps no answer for an unknown credential', async () => {
    const cache = listening({ seconds: 10 });
    const load = loader(undefined);
    expect(await cache.lookup('guess', load, expiry)).toBeUndefined();
    expect(await cache.lookup('guess', load, expiry)).toBeUndefined();
    expect(load).toHaveBeenCalledTimes(2);
    expect(cache.size).toBe(0);
  });

  it('drops every answer when told something changed', async () => {
    const cache = listening({ seconds: 10 });
    const load = loader({ user: 'a', expiresAt: FAR });
    await cache.lookup('k1', load, expiry);
    await cache.lookup('k2', load, expiry);
    cache.forgetAll();
    expect(cache.size).toBe(0);
    await cache.lookup('k1', load, expiry);
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('drops every answer once a change has ended, whether it succeeded or failed', async () => {
    const cache = listening({ seconds: 10 });
    const load = loader({ user: 'a', expiresAt: FAR });
    await cache.lookup('k', load, expiry);
    expect(await cache.changing(async () => 'done')).toBe('done');
    expect(cache.size).toBe(0);
    await cache.lookup('k', load, expiry);
    await expect(
      cache.changing(async () => {
        throw new Error('lost commit');
      }),
    ).rejects.toThrow('lost commit');
    expect(cache.size).toBe(0);
  });

  it('does not keep an answer read before a change that happened while it was being read', async () => {
    const cache = listening({ seconds: 10 });
    let open!: () => void;
    const stale = loader({ user: 'before', expiresAt: FAR }, new Promise((resolve) => (open = resolve)));
    const reading = cache.lookup('k', stale, expiry);
    // The change commits (and is announced) while the old answer is on its way back.
    cache.forgetAll();
    open();
    expect((await reading)?.user).toBe('before');
    const fresh = loader({ user: 'after', expiresAt: FAR });
    expect((await cache.lookup('k', fresh, expiry))?.user).toBe('after');
    expect(fresh).toHaveBeenCalledTimes(1);
  });

  it('asks every time while changes elsewhere cannot be heard, and trusts nothing from before', async () => {
    const cache = listening({ seconds: 10 });
    const load = loader({ user: 'a', expiresAt: FAR });
    await cache.lookup('k', load, expiry);
    cache.setLive(false);
    await cache.lookup('k', load, expiry);
    await cache.lookup('k', load, expiry);
    expect(load).toHaveBeenCalledTimes(3);
    expect(cache.size).toBe(0);
    cache.setLive(true);
    await cache.lookup('k', load, expiry);
    await cache.lookup('k', load, expiry);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('asks every time until it hears of changes, and when its time is 0', async () => {
    const deaf = new CredentialCache<Answer>({ seconds: 10 });
    const asked = loader({ user: 'a', expiresAt: FAR });
    await deaf.lookup('k', asked, expiry);
    await deaf.lookup('k', asked, expiry);
    expect(asked).toHaveBeenCalledTimes(2);
    const cache = listening({ seconds: 0 });
    const load = loader({ user: 'a', expiresAt: FAR });
    await cache.lookup('k', load, expiry);
    await cache.lookup('k', load, expiry);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('holds at most its limit, letting the oldest go', async () => {
    const cache = listening({ seconds: 10, maxEntries: 3 });
    const load = loader({ user: 'a', expiresAt: FAR });
    for (const key of ['k1', 'k2', 'k3', 'k4']) await cache.lookup(key, load, expiry);
    expect(cache.size).toBe(3);
    await cache.lookup('k4', load, expiry);
    expect(load).toHaveBeenCalledTimes(4);
    await cache.lookup('k1', load, expiry);
    expect(load).toHaveBeenCalledTimes(5);
  });
});
