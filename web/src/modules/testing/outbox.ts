import { openDB, type IDBPDatabase } from 'idb';
import { ApiError } from '../../shared/api';
import { testingApi, type ScanAnswer } from './api';

/**
 * The station's outbox: every scan and seal is written to IndexedDB before
 * anything else, then synced when the network allows. A reload or a crash of
 * the browser loses nothing; a scan synced twice is one sample (its id).
 */
export interface Scan {
  id: string;
  campaignId: number;
  tube: string;
  person: string;
  at: string;
  /** waiting | recorded | refused */
  state: 'waiting' | 'recorded' | 'refused';
  /** why it was refused, or REPEAT when the person was already sampled in this campaign */
  note?: string;
}
export interface Seal {
  tube: string;
  campaignId: number;
  at: string;
  state: 'waiting' | 'done';
}

const DB = 'bastion-station';
let dbp: Promise<IDBPDatabase> | null = null;
const db = () =>
  (dbp ??= openDB(DB, 1, {
    upgrade(d) {
      const scans = d.createObjectStore('scans', { keyPath: 'id' });
      scans.createIndex('state', 'state');
      scans.createIndex('tube', 'tube');
      d.createObjectStore('seals', { keyPath: 'tube' });
      d.createObjectStore('state');
    },
  }));

export const outbox = {
  async addScan(s: Omit<Scan, 'state'>) {
    await (await db()).put('scans', { ...s, state: 'waiting' });
  },
  async addSeal(tube: string, campaignId: number) {
    await (await db()).put('seals', { tube, campaignId, at: new Date().toISOString(), state: 'waiting' });
  },
  scansOf: async (tube: string): Promise<Scan[]> => (await (await db()).getAllFromIndex('scans', 'tube', tube)).sort((a, b) => a.at.localeCompare(b.at)),
  waiting: async () => (await (await db()).countFromIndex('scans', 'state', 'waiting')) + (await (await db()).getAll('seals')).filter((s) => s.state === 'waiting').length,
  sealed: async (tube: string) => Boolean(await (await db()).get('seals', tube)),
  /** What the station was doing (campaign, open tube), kept across reloads. */
  getState: async <T>(key: string) => (await (await db()).get('state', key)) as T | undefined,
  setState: async (key: string, value: unknown) => void (await (await db()).put('state', value, key)),
  recent: async (n = 30): Promise<Scan[]> => (await (await db()).getAll('scans')).sort((a, b) => b.at.localeCompare(a.at)).slice(0, n),
};

/** Is this a failure to reach the server (offline, shed load), worth retrying? */
export const retryable = (e: unknown) => !(e instanceof ApiError) || e.status === 429 || e.status === 503 || e.status >= 500;

/**
 * Sends what is waiting, oldest first: scans in groups of 100, then seals (a seal
 * after its tube's scans). Returns how many are still waiting. Throws when the
 * server cannot be reached, so the caller backs off.
 */
let running: Promise<number> | null = null;
let again = false;
export function syncOnce(): Promise<number> {
  // One sync at a time (two would send the same scans twice); a call during one runs once more after it.
  if (running) {
    again = true;
    return running;
  }
  running = syncAll().finally(() => {
    running = null;
    if (again) {
      again = false;
      void syncOnce().catch(() => {});
    }
  });
  return running;
}

async function syncAll(): Promise<number> {
  const d = await db();
  for (;;) {
    const waiting = (await d.getAllFromIndex('scans', 'state', 'waiting')).sort((a, b) => a.at.localeCompare(b.at)).slice(0, 100);
    if (!waiting.length) break;
    const { results } = await testingApi.scans(waiting.map(({ id, campaignId, tube, person, at }) => ({ id, campaignId, tube, person, at })));
    const tx = d.transaction('scans', 'readwrite');
    for (const r of results as ScanAnswer[]) {
      const s = waiting.find((w) => w.id === r.id)!;
      await tx.store.put({ ...s, state: r.outcome === 'refused' ? 'refused' : 'recorded', note: r.outcome === 'refused' ? r.code : r.repeat ? 'REPEAT' : undefined });
    }
    await tx.done;
  }
  for (const seal of (await d.getAll('seals')).filter((s: Seal) => s.state === 'waiting')) {
    try {
      await testingApi.seal(seal.tube);
    } catch (e) {
      if (retryable(e)) throw e; // a tube the server never saw (all its scans refused) has nothing to seal
    }
    await d.put('seals', { ...seal, state: 'done' });
  }
  return outbox.waiting();
}
