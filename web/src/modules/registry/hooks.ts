import { useCallback, useEffect, useState } from 'react';
import { registryApi, type Person, type PersonKind } from './api';

/** A cursor-paged list of people in an area, or the matches of a search. */
export function usePeople(kind: PersonKind, area: string | undefined, q?: string) {
  const [items, setItems] = useState<Person[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    async (after: string | null, replace: boolean) => {
      setLoading(true);
      setError(null);
      try {
        const page = await registryApi.people(kind, { area, q, cursor: after, limit: 30 });
        setItems((prev) => (replace ? page.items : [...prev, ...page.items]));
        setCursor(page.nextCursor);
      } catch (e) {
        // a refused search (a tail of more than 4 digits, say) shows no earlier search's matches under its reason
        if (replace) setItems([]);
        setError((e as Error).message);
      } finally {
        setLoading(false);
      }
    },
    [kind, area, q],
  );
  useEffect(() => {
    if (area !== undefined || q) void load(null, true);
  }, [load, area, q]);
  return { items, loading, error, more: cursor ? () => load(cursor, false) : null };
}
