import { ApiError } from './api';

/**
 * Field devices retry when the server sheds load (429/503) or the network drops:
 * exponential backoff with jitter, a few times, then the error shows.
 */
export async function withRetry<T>(fn: () => Promise<T>, tries = 5, onWait?: (seconds: number | null) => void): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      const out = await fn();
      onWait?.(null);
      return out;
    } catch (e) {
      const retryable = e instanceof TypeError || (e instanceof ApiError && (e.status === 429 || e.status === 503));
      if (!retryable || i >= tries - 1) {
        onWait?.(null);
        throw e;
      }
      const ms = 300 * 2 ** i * (0.5 + Math.random());
      onWait?.(Math.max(1, Math.round(ms / 1000)));
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}
