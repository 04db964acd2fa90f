import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import './app/i18n';
import './app/print.css';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';

createRoot(document.getElementById('root')!).render(<App />);

// The service worker keeps the app on the device (see public/sw.js): the station works offline.
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').then(async () => {
      const sw = (await navigator.serviceWorker.ready).active;
      // what this page loaded before the worker took over: kept for the next offline start
      const urls = performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.startsWith(location.origin) && !u.includes('/api/'));
      sw?.postMessage({ cache: urls });
    }, () => {});
  });
}
