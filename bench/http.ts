import net from 'node:net';

/**
 * The load generator's HTTP/1.1 client: one keep-alive connection per station or phone, one
 * request at a time on it, as a field device sends. It shares the server's two cores, so it is
 * kept to what the bench needs: each request goes out as one write, and an answer is read as far
 * as its status line and its Content-Length (every answer Bastion gives the bench is so framed;
 * a chunked one is read to its last chunk). undici, which this replaced, spent about as much CPU
 * on a request as the server spent answering it.
 */
export class Connection {
  private socket: net.Socket | null = null;
  private buf: Buffer | null = null;
  private pending: ((status: number) => void) | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Sends one request (`headers` as `headerLines` makes them); resolves with its status, or 0 when the connection was refused or lost. */
  request(method: string, path: string, headers: string, body = ''): Promise<number> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.buf = null;
      const s = this.socket ?? this.connect();
      const head = `${method} ${path} HTTP/1.1\r\n${headers}`;
      s.write(body ? `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}` : `${head}\r\n`);
    });
  }

  /** Connects ahead of the first request, as a device that is already online; resolves false if refused. */
  open(): Promise<boolean> {
    const s = this.socket ?? this.connect();
    if (!s.connecting) return Promise.resolve(!s.destroyed);
    return new Promise((resolve) => {
      s.once('connect', () => resolve(true));
      s.once('close', () => resolve(false));
    });
  }

  close() {
    this.socket?.destroy();
    this.socket = null;
  }

  private connect() {
    const s = net.connect({ host: this.host, port: this.port, noDelay: true });
    s.on('data', (chunk: Buffer) => this.read(chunk));
    // a refused, reset or closed connection answers the request in hand with 0; the next one reconnects
    s.on('error', () => {});
    s.on('close', () => {
      if (this.socket !== s) return; // closed here after a complete answer
      this.socket = null;
      this.finish(0);
    });
    this.socket = s;
    return s;
  }

  private read(chunk: Buffer) {
    const buf = (this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buf.toString('latin1', 0, end).toLowerCase();
    const length = /\r\ncontent-length: *(\d+)/.exec(head);
    const complete = length
      ? buf.length >= end + 4 + Number(length[1])
      : /\r\ntransfer-encoding: *chunked/.test(head)
        ? buf.toString('latin1', buf.length - 5) === '0\r\n\r\n'
        : false; // neither: the answer ends when the server closes the connection
    if (!complete) return;
    if (/\r\nconnection: *close/.test(head)) this.close();
    this.finish(Number(buf.toString('latin1', 9, 12)));
  }

  private finish(status: number) {
    const p = this.pending;
    this.pending = null;
    this.buf = null;
    p?.(status);
  }
}

/** A request's header lines (without the blank line that ends them), made once for all of a drive's requests. */
export const headerLines = (host: string, headers: Record<string, string>) =>
  `host: ${host}\r\n` + Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
