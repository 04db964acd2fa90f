import http from 'node:http';
import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/** Signs in over a connection of its own at `base`; the session cookie to send. */
export function sessionAt(base: string, a: { username: string; password: string }) {
  return new Promise<string>((resolve, reject) => {
    const req = http.request(base + '/api/v1/access/session', { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      if (res.statusCode !== 200) return reject(new Error(`sign-in ${res.statusCode}`));
      resolve(String(res.headers['set-cookie']![0]).split(';')[0]);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ username: a.username, password: a.password }));
  });
}
