import i18n from 'i18next';
import { ApiError } from './errors';
import { announceBusy, wasShed, withRetry } from './retry';

export { ApiError } from './errors';

const headers = () => ({ 'accept-language': i18n.language?.startsWith('en') ? 'en' : 'zh-CN' });

async function handle<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) {
    // the title is in the reader's language; a validation problem's detail says which value and why,
    // a file too large which limit it passed (unpacked size, rows, a cell)
    const text = (body?.code === 'VALIDATION_FAILED' || body?.code === 'PAYLOAD_TOO_LARGE') && body?.detail ? `${body.title}：${body.detail}` : (body?.title ?? res.statusText);
    throw new ApiError(res.status, body?.code ?? 'HTTP_' + res.status, text, body?.field);
  }
  return body as T;
}

export const api = {
  /** a read the server shed (503/429) is asked again with backoff, and the Shell says the system is busy */
  get: <T>(path: string) => withRetry(() => fetch(`/api/v1${path}`, { headers: headers(), credentials: 'same-origin' }).then((r) => handle<T>(r)), 5, announceBusy, wasShed),
  post: <T>(path: string, body?: unknown) =>
    fetch(`/api/v1${path}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { ...headers(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => handle<T>(r)),
  put: <T>(path: string, body: unknown) =>
    fetch(`/api/v1${path}`, { method: 'PUT', credentials: 'same-origin', headers: { ...headers(), 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => handle<T>(r)),
  del: <T>(path: string) => fetch(`/api/v1${path}`, { method: 'DELETE', headers: headers(), credentials: 'same-origin' }).then((r) => handle<T>(r)),
  upload: <T>(path: string, file: File) => {
    const form = new FormData();
    form.append('file', file);
    return fetch(`/api/v1${path}`, { method: 'POST', headers: headers(), credentials: 'same-origin', body: form }).then((r) => handle<T>(r));
  },
};

export const qs = (params: Record<string, string | number | boolean | undefined | null>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};
