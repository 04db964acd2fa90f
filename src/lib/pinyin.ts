import { pinyin } from 'pinyin-pro';

const cache = new Map<string, string>();

/** Lower-case pinyin initials of a name (张三丰 → zsf), surnames read as surnames (单 → s). Latin letters kept. */
export function nameInitials(name: string): string {
  let v = cache.get(name);
  if (v === undefined) {
    v = pinyin(name, { pattern: 'first', toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' })
      .join('')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
    if (cache.size > 100_000) cache.clear();
    cache.set(name, v);
  }
  return v;
}
