import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Running } from '../src/server/start.js';
import { addResidents, closeTestDb, makeAccount, makeArea, testDb, type TestArea } from './helpers.js';
import { CHROMIUM_ARGS, signInOn, startWebServer } from './browser.js';
import { sharedSecret } from '../src/db/secrets.js';
import { signPersonalCode } from '../src/modules/testing/index.js';

/**
 * The sampling station on a phone that has lost its network: it opens when reloaded on a device
 * that has loaded it once (the service worker precaches the station's whole route at install), and
 * an open tube comes back with its members from the device's outbox.
 */
let server: Running;
let browser: Browser;
let area: TestArea;
let sampler: { username: string; password: string };

beforeAll(async () => {
  server = await startWebServer();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  area = await makeArea();
  sampler = await makeAccount('sampler', area.villages[0]);
  // a running campaign the sampler's station samples for
  const commander = await makeAccount('commander', area.district);
  const desk = await browser.newContext();
  const deskPage = await desk.newPage();
  await signInOn(deskPage, server.url, commander);
  await deskPage.getByTestId('area-title').waitFor();
  const created = await desk.request.post(`${server.url}/api/v1/testing/campaigns`, {
    data: { title: '离线重载测试', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 24 * 3600e3).toISOString() },
  });
  expect(created.status()).toBe(201);
  await desk.close();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await server?.database.close();
  await closeTestDb();
});

/** A phone never used for Bastion (a fresh profile), whose page errors are kept. */
async function freshPhone(): Promise<{ phone: BrowserContext; page: Page; errors: string[] }> {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  phone.setDefaultTimeout(60_000); // two cores shared with PostgreSQL and the other helpers' runs
  const page = await phone.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { phone, page, errors };
}

/**
 * The sampler, signed in, opens the station once online (its first load on this phone: the page's
 * chunks load before any service worker is there), and the service worker is installed and controls it.
 */
async function firstLoad(phone: BrowserContext, page: Page) {
  const signedIn = await phone.request.post(`${server.url}/api/v1/access/session`, { data: { username: sampler.username, password: sampler.password } });
  expect(signedIn.status()).toBe(200);
  await page.goto(`${server.url}/station`);
  await page.getByTestId('scan-input').waitFor();
  expect(await page.evaluate(() => location.pathname)).toBe('/station');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 20_000 }).toBe(true);
}

/** The station's own screen, not a blank page: its sync state and the scan field of its campaign. */
async function stationShown(page: Page) {
  await page.getByTestId('sync-status').waitFor({ timeout: 15_000 });
  await page.getByTestId('scan-input').waitFor({ timeout: 15_000 });
}

describe('a station reloaded offline', () => {
  it('opens 20 times in a row on a phone that loaded it once, without one blank page', { timeout: 300_000 }, async () => {
    const { phone, page, errors } = await freshPhone();
    await firstLoad(phone, page);
    await phone.setOffline(true);
    for (let i = 0; i < 20; i++) {
      await page.reload();
      await stationShown(page);
      expect(errors).toEqual([]);
    }
    await page.getByTestId('offline').waitFor();
    await page.screenshot({ path: path.join(os.tmpdir(), 'bastion-station-reloaded-offline.png') });
    await phone.close();
  });

  it('opens on each of 4 fresh phones reloaded offline right after their first load', { timeout: 300_000 }, async () => {
    for (let i = 0; i < 4; i++) {
      const { phone, page, errors } = await freshPhone();
      await firstLoad(phone, page);
      await phone.setOffline(true);
      await page.reload();
      await stationShown(page);
      // the camera's reader was kept too: ZXing's .wasm answers without a network
      expect(await page.evaluate(async () => (await (await caches.open('bastion-shell-v1')).keys()).some((r) => /zxing_reader.*\.wasm$/.test(r.url)))).toBe(true);
      expect(errors).toEqual([]);
      await phone.close();
    }
  });
});

describe('a tube open when the station is reloaded offline', () => {
  it('comes back with its 4 members and 4 / 10, and syncs exactly those 4 samples when back online', { timeout: 300_000 }, async () => {
    const people = await addResidents(area.villages[0], Array.from({ length: 4 }, (_, i) => ({ name: `重载${i}`, initials: 'cz', n: 100 + i })), area.district);
    const secret = await sharedSecret(testDb().pool, 'personal-codes');
    const { phone, page, errors } = await freshPhone();
    await firstLoad(phone, page);
    await expect.poll(() => page.evaluate(() => document.body.textContent?.includes('离线重载测试')), { timeout: 15_000 }).toBe(true);

    await phone.setOffline(true);
    const input = page.getByTestId('scan-input');
    const tube = `RLD${area.district}`;
    await input.fill(tube);
    await input.press('Enter');
    await page.getByTestId('tube').waitFor();
    for (const id of people) {
      await input.fill(signPersonalCode(secret, id));
      await input.press('Enter');
    }
    await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 10_000 }).toBe('4 条待同步');

    // reloaded without a network, more than once: the tube, its 4 members and 4 / 10 each time,
    // still so after the outbox's retries have failed twice more (each retry refreshes the screen)
    const attempts = async () => Number((await page.getByTestId('retrying').getAttribute('data-attempt', { timeout: 1000 }).catch(() => null)) ?? 0);
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await expect.poll(attempts, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
      await expect.poll(() => page.getByTestId('tube').textContent(), { timeout: 15_000 }).toContain(tube);
      await expect.poll(() => page.getByTestId('member').count(), { timeout: 15_000 }).toBe(4);
      await expect.poll(() => page.getByTestId('tube-fill').textContent(), { timeout: 15_000 }).toBe('4 / 10');
      expect(await page.getByTestId('sync-status').textContent()).toBe('4 条待同步');
    }
    await page.screenshot({ path: path.join(os.tmpdir(), 'bastion-station-tube-reloaded.png') });

    // back online: the outbox syncs by itself, and the server has exactly those 4 samples in the tube
    await phone.setOffline(false);
    await expect.poll(() => page.getByTestId('sync-status').textContent(), { timeout: 30_000 }).toBe('已全部同步');
    const { rows } = await testDb().pool.query(`select resident_id from samples where tube_code = $1 order by resident_id`, [tube]);
    expect(rows.map((r) => Number(r.resident_id))).toEqual([...people].map(Number).sort((a, b) => a - b));
    expect(await page.getByTestId('member').count()).toBe(4);
    expect(errors).toEqual([]);
    await phone.close();
  });
});
