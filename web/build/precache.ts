import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from 'vite';
import type { Plugin } from 'vite';

/** The pages a device must be able to open without a network: their whole route is precached. */
const OFFLINE_PAGES = ['src/pages/testing/StationPage.tsx'];
const ENTRY = 'index.html';
/** Where the service worker's list goes (public/sw.js holds the marker, replaced in dist/sw.js). */
const MARKER = 'self.__PRECACHE__ = [];';

/**
 * Every file an entry of the build's manifest needs: its chunk, the chunks it imports (and, for an
 * offline page, those it imports on demand, e.g. ZXing's reader), their CSS, and the assets they
 * name (fonts from the CSS, the .wasm fetched by the camera).
 */
export function routeFiles(manifest: Manifest, keys: string[]): string[] {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string, dynamic: boolean) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`precache: ${key} is not in the build's manifest`);
    files.add(chunk.file);
    // a browser with service workers reads woff2, which the CSS names first: the .woff are never fetched
    for (const f of [...(chunk.css ?? []), ...(chunk.assets ?? [])]) if (!f.endsWith('.woff')) files.add(f);
    for (const k of chunk.imports ?? []) visit(k, dynamic);
    if (dynamic) for (const k of chunk.dynamicImports ?? []) visit(k, dynamic);
  };
  visit(ENTRY, false);
  for (const k of keys) visit(k, true);
  return [...files].sort().map((f) => '/' + f);
}

/**
 * Writes into dist/sw.js the list of files the offline pages need, read from the build's manifest,
 * so that the service worker fetches them all at install (before it takes control) rather than
 * keeping only what a page happened to load: a station reloaded offline on a fresh device opens.
 * Each build's list (its hashed names) makes a new sw.js, so a device installs the new one.
 */
export function precacheOfflinePages(): Plugin {
  let outDir = '';
  return {
    name: 'bastion-precache',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    writeBundle() {
      const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
      const files = routeFiles(manifest, OFFLINE_PAGES);
      const sw = path.join(outDir, 'sw.js');
      const source = fs.readFileSync(sw, 'utf8');
      if (!source.includes(MARKER)) throw new Error(`precache: ${sw} has no ${MARKER}`);
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      fs.writeFileSync(sw, source.replace(MARKER, `self.__PRECACHE__ = ${JSON.stringify(files)}; // build ${version}`));
    },
  };
}
