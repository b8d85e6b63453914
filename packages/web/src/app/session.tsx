/**
 * The signed-in user: read from /api/me when a token is kept in this tab, set by login, cleared by logout or by the
 * platform's 401 (an expired or revoked session). Screens ask it which roles may see them.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { answer, api, session, whenSignedOut } from '../api/client';
import type { paths } from '../api/schema';

export type Me = paths['/api/me']['get']['responses']['200']['content']['application/json'];

interface SessionState {
  me: Me | undefined;
  loading: boolean;
  signIn: (token: string, me: Me) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }): ReactNode {
  const queries = useQueryClient();
  const [token, setToken] = useState(session.token());
  const me = useQuery({
    queryKey: ['me', token],
    queryFn: () => answer(api.GET('/api/me')),
    enabled: token !== null,
    staleTime: Infinity,
  });

  useEffect(() => {
    whenSignedOut(() => {
      setToken(null);
      queries.clear();
    });
  }, [queries]);

  const signIn = useCallback(
    (next: string, user: Me) => {
      session.save(next);
      queries.setQueryData(['me', next], user);
      setToken(next);
    },
    [queries],
  );

  const signOut = useCallback(async () => {
    try {
      await api.POST('/api/logout');
    } finally {
      session.clear();
      setToken(null);
      queries.clear();
    }
  }, [queries]);

  const value = useMemo<SessionState>(
    () => ({ me: token ? me.data : undefined, loading: token !== null && me.isPending, signIn, signOut }),
    [token, me.data, me.isPending, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in user (inside the shell, where one always is). */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}
