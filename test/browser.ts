import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Running } from '../src/server/start.js';
import { startServer } from '../src/server/start.js';
import { openDatabase } from '../src/db/connection.js';
import { loadConfig } from '../src/server/config.js';
import { databaseUrl, NO_SHEDDING } from './helpers.js';

/** What the browser tests run Chromium with (headless, no network of its own beside the page's). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Bastion serving web/dist on a free port, in the test's own process. */
export async function startWebServer(): Promise<Running> {
  if (!fs.existsSync(path.resolve('web/dist/index.html'))) throw new Error('build the web app first: npm run build');
  // the server runs in the test's own process, which shares two cores with Chromium: its stalls are not the app's load (see NO_SHEDDING)
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl(), LOG_LEVEL: 'warn', BASTION_DATA: fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-web-')), BASTION_MAX_EVENT_LOOP_DELAY_MS: String(NO_SHEDDING.maxEventLoopDelayMs) });
  const database = await openDatabase({ databaseUrl: databaseUrl(), dataDir: '', embeddedPgPort: 0, poolSize: 4 });
  return startServer(config, { database });
}

/** Opens the app and signs in through its form. */
export async function signInOn(p: Page, url: string, a: { username: string; password: string }) {
  await p.goto(url);
  await p.getByLabel('用户名').fill(a.username);
  await p.getByLabel('密码').fill(a.password);
  await p.getByRole('button', { name: /登\s*录/ }).click();
}
