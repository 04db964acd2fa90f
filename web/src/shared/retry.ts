import { ApiError } from './api';

/**
 * Field devices retry when the server sheds load (429/503) or the network drops:
 * exponential backoff with jitter, a few times, then the error shows.
 */
export async function withRetry<T>(fn: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const retryable = e instanceof TypeError || (e instanceof ApiError && (e.status === 429 || e.status === 503));
      if (!retryable || i >= tries - 1) throw e;
      await new Promise((r) => setTimeout(r, 300 * 2 ** i * (0.5 + Math.random())));
    }
  }
}
