import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../shared/api';
import { wasShed } from '../../shared/retry';

export interface Me {
  username: string;
  displayName: string;
  role: string;
  areaCode: string;
  areaName: string | null;
}

interface SessionValue {
  me: Me | null;
  loading: boolean;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue>(null as never);
const KEY = 'bastion.me';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    api
      .get<Me>('/access/me')
      .then(remember, (e) => {
        // Offline (a sampling station in a basement), or a server still too busy to answer after
        // the retries: the last account signed in on this device carries on; the server still
        // checks every request when it answers. Only its "no" signs the device out.
        if (e instanceof ApiError && !wasShed(e)) remember(null);
        else setMe(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
      })
      .finally(() => setLoading(false));
  }, []);
  const remember = (m: Me | null) => {
    setMe(m);
    if (m) localStorage.setItem(KEY, JSON.stringify(m));
    else localStorage.removeItem(KEY);
  };
  const signIn = useCallback(async (username: string, password: string) => {
    remember(await api.post<Me>('/access/session', { username, password }));
  }, []);
  const signOut = useCallback(async () => {
    await api.del('/access/session');
    remember(null);
  }, []);
  return <SessionContext.Provider value={{ me, loading, signIn, signOut }}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);
