import http from 'node:http';

export { freePort } from '../src/lib/ports.js';

/**
 * As a station or a phone does: a 503 is tried again after its Retry-After (a process just
 * started, on a machine loaded by the rest of the test run, has shed its first requests).
 */
export async function admitted<T extends { status: number; retryAfter: number }>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if (res.status !== 503 || attempt === 10) return res;
    await new Promise((r) => setTimeout(r, 1000 * res.retryAfter));
  }
}

/** Signs in over a connection of its own at `base`; the session cookie to send. */
export async function sessionAt(base: string, a: { username: string; password: string }) {
  const res = await admitted(
    () =>
      new Promise<{ status: number; retryAfter: number; cookie: string }>((resolve, reject) => {
        const req = http.request(base + '/api/v1/access/session', { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, retryAfter: Number(res.headers['retry-after'] ?? 1), cookie: String(res.headers['set-cookie']?.[0] ?? '').split(';')[0] });
        });
        req.on('error', reject);
        req.end(JSON.stringify({ username: a.username, password: a.password }));
      }),
  );
  if (res.status !== 200) throw new Error(`sign-in ${res.status}`);
  return res.cookie;
}
