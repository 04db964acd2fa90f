/*
 * Bastion's service worker: the app shell stays on the device, so the sampling
 * station opens and reloads without a network. Built files (hashed names under
 * /assets/) are served from the cache once fetched; pages are asked of the
 * network first and fall back to the cached shell. The API is never cached.
 *
 * At install it fetches every file the offline pages need (the station's whole route: its chunks,
 * CSS, fonts and ZXing's .wasm), listed at build time from Vite's manifest (web/build/precache.ts
 * writes the list below into dist/sw.js); it is installed only when all of them are kept, and then
 * takes control at once (skipWaiting, clients.claim), so a reload offline never misses a chunk.
 */
const SHELL = 'bastion-shell-v1';
self.__PRECACHE__ = [];

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(['/', '/manifest.webmanifest', ...self.__PRECACHE__])));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      fetch(req)
        .then((res) => {
          const copy = res.clone();
          caches.open(SHELL).then((c) => c.put('/', copy));
          return res;
        })
        .catch(() => caches.match('/')),
    );
    return;
  }
  event.respondWith(
    caches.match(req).then(
      (hit) =>
        hit ||
        fetch(req).then((res) => {
          if (res.ok) {
            const copy = res.clone();
            caches.open(SHELL).then((c) => c.put(req, copy));
          }
          return res;
        }),
    ),
  );
});

// The page sends what it loaded before this worker controlled it.
self.addEventListener('message', (event) => {
  const urls = event.data && Array.isArray(event.data.cache) ? event.data.cache : [];
  event.waitUntil(caches.open(SHELL).then((c) => Promise.all(urls.map((u) => c.add(u).catch(() => {})))));
});
