import net from 'node:net';

/** A TCP port free on 127.0.0.1 right now, chosen by the OS (for a server started at once). */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
