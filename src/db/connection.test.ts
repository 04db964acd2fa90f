import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './connection.js';
import { StartFailure } from '../lib/errors.js';

describe('the embedded PostgreSQL', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-embedded-'));
  const taken = net.createServer();
  afterAll(() => {
    taken.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('says which port it could not start on, and which setting chooses another', async () => {
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    const failure = openDatabase({ databaseUrl: null, dataDir, embeddedPgPort: port, log: () => {} });
    await expect(failure).rejects.toThrow(new StartFailure(`port ${port} is in use: BASTION_PG_PORT chooses another for the embedded PostgreSQL`));
    // an empty folder under /tmp, as mkdtemp leaves it (mode 0700): opened for the postgres user
    // to pass through, so the cluster stays in it rather than under BASTION_PG_HOME
    expect(fs.lstatSync(path.join(dataDir, 'pg')).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
  }, 120_000);
});
