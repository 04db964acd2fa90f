import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from '../../shared/api';

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

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    api.get<Me>('/access/me').then(setMe, () => setMe(null)).finally(() => setLoading(false));
  }, []);
  const signIn = useCallback(async (username: string, password: string) => {
    setMe(await api.post<Me>('/access/session', { username, password }));
  }, []);
  const signOut = useCallback(async () => {
    await api.del('/access/session');
    setMe(null);
  }, []);
  return <SessionContext.Provider value={{ me, loading, signIn, signOut }}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);
