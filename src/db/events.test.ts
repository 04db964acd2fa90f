import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { databaseUrl } from '../../test/helpers.js';
import { EVENTS_CHANNEL, EventBus, type DomainEvent } from './events.js';

const pool = new pg.Pool({ connectionString: databaseUrl(), max: 3 });
afterAll(() => pool.end());

const next = (bus: EventBus, name: 'event' | 'resumed') => new Promise<DomainEvent | undefined>((resolve) => bus.once(name, resolve));
const announce = (name: string) => pool.query(`select pg_notify($1, $2)`, [EVENTS_CHANNEL, JSON.stringify({ name, areaCode: '13', data: {} })]);

it('listens again after its connection is ended, says so, and goes on hearing events', async () => {
  const said: string[] = [];
  const bus = new EventBus(pool, (m) => said.push(m));
  await bus.start();
  try {
    let heard = next(bus, 'event');
    await announce('test.before');
    expect((await heard)?.name).toBe('test.before');

    // twice: the second loss is of the connection the bus made itself
    for (const round of [1, 2]) {
      const resumed = next(bus, 'resumed');
      const pid = bus.backendPid;
      expect((await pool.query(`select pg_terminate_backend($1) as ok`, [pid])).rows[0].ok).toBe(true);
      await resumed;
      expect(bus.backendPid).not.toBe(pid);
      heard = next(bus, 'event');
      await announce(`test.after${round}`);
      expect((await heard)?.name).toBe(`test.after${round}`);
    }
    expect(said.filter((m) => m.includes('lost'))).toHaveLength(2);
  } finally {
    await bus.stop();
  }
  expect(bus.backendPid).toBeNull();
});
