import { useEffect, useState } from 'react';
import { ApiError } from './errors';

/** The server shed the request (429/503, with Retry-After): come back later. */
export const wasShed = (e: unknown) => e instanceof ApiError && (e.status === 429 || e.status === 503);

const shedOrOffline = (e: unknown) => e instanceof TypeError || wasShed(e);

/**
 * Field devices retry when the server sheds load (429/503) or the network drops, and every read
 * retries a shed answer: exponential backoff with jitter, a few times, then the error shows.
 */
export async function withRetry<T>(fn: () => Promise<T>, tries = 5, onWait?: (seconds: number | null) => void, retryable = shedOrOffline): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      const out = await fn();
      onWait?.(null);
      return out;
    } catch (e) {
      if (!retryable(e) || i >= tries - 1) {
        onWait?.(null);
        throw e;
      }
      const ms = 300 * 2 ** i * (0.5 + Math.random());
      onWait?.(Math.max(1, Math.round(ms / 1000)));
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}

const busyListeners = new Set<(seconds: number | null) => void>();

/** Reads retried because the server is busy say so here: seconds to the next try, or null when answered. */
export const announceBusy = (seconds: number | null) => busyListeners.forEach((l) => l(seconds));

/** Seconds until a busy server is asked again, or null: for a page to say the system is busy. */
export function useBusy(): number | null {
  const [seconds, setSeconds] = useState<number | null>(null);
  useEffect(() => {
    busyListeners.add(setSeconds);
    return () => void busyListeners.delete(setSeconds);
  }, []);
  return seconds;
}
