import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from 'vite';
import { routeFiles } from '../web/build/precache.js';

const manifest: Manifest = {
  'index.html': { file: 'assets/index-1.js', isEntry: true, imports: ['_vendor.js'], dynamicImports: ['src/pages/A.tsx', 'src/pages/Station.tsx'], css: ['assets/index-1.css'], assets: ['assets/font-1.woff2', 'assets/font-1.woff'] },
  '_vendor.js': { file: 'assets/vendor-1.js' },
  'src/pages/A.tsx': { file: 'assets/A-1.js', isDynamicEntry: true },
  'src/pages/Station.tsx': { file: 'assets/Station-1.js', isDynamicEntry: true, imports: ['index.html', '_card.js'], dynamicImports: ['reader.wasm?url'], css: ['assets/Station-1.css'] },
  '_card.js': { file: 'assets/card-1.js', imports: ['_vendor.js'] },
  'reader.wasm?url': { file: 'assets/reader-url-1.js', assets: ['assets/reader-1.wasm'] },
};

describe('the files precached for an offline page', () => {
  it('are the entry with its CSS and woff2 fonts, and the page with what it imports, at once or on demand, and nothing of the other pages', () => {
    expect(routeFiles(manifest, ['src/pages/Station.tsx'])).toEqual(
      ['assets/Station-1.css', 'assets/Station-1.js', 'assets/card-1.js', 'assets/font-1.woff2', 'assets/index-1.css', 'assets/index-1.js', 'assets/reader-1.wasm', 'assets/reader-url-1.js', 'assets/vendor-1.js'].map((f) => '/' + f),
    );
  });

  it('name a page the build has not, refused at build time rather than a worker that never installs', () => {
    expect(() => routeFiles(manifest, ['src/pages/Gone.tsx'])).toThrow(/not in the build's manifest/);
  });

  it('in the built service worker, all exist in web/dist and hold the station page and ZXing’s wasm', () => {
    const dist = path.resolve('web/dist');
    if (!fs.existsSync(path.join(dist, 'sw.js'))) throw new Error('build the web app first: npm run build');
    const list = JSON.parse(/self\.__PRECACHE__ = (\[.*?\]);/.exec(fs.readFileSync(path.join(dist, 'sw.js'), 'utf8'))![1]) as string[];
    expect(list.filter((f) => !fs.existsSync(path.join(dist, f)))).toEqual([]);
    expect(list.some((f) => /^\/assets\/StationPage-.*\.js$/.test(f))).toBe(true);
    expect(list.some((f) => /^\/assets\/zxing_reader-.*\.wasm$/.test(f))).toBe(true);
    expect(list.some((f) => /^\/assets\/LabPage-/.test(f))).toBe(false);
  });
});
