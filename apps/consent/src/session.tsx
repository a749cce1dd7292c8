// The signed-in session (user + CSRF token), shared by every page and fetched once per page load.
import { getCurrentSession, type Session } from '@reminderit/sdk';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { client, type Problem, problemOf } from './api.ts';
import { redirectToLogin } from './navigation.ts';

interface SessionContextValue {
  session: Session | null;
  setSession(session: Session | null): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const value = useMemo(() => ({ session, setSession }), [session]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSessionContext outside <SessionProvider>');
  return value;
}

export type SessionGate = { status: 'loading' } | { status: 'ready'; session: Session } | { status: 'error'; problem: Problem; retry(): void };

/** The session for a page that needs one; no session → the log-in page, coming back here afterwards. */
export function useRequiredSession(): SessionGate {
  const { session, setSession } = useSessionContext();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => {
    setProblem(null);
    setAttempt((n) => n + 1);
  }, []);
  useEffect(() => {
    if (session) return;
    let cancelled = false;
    void getCurrentSession({ client }).then((result) => {
      if (cancelled) return;
      if (result.data) setSession(result.data);
      else if (result.response?.status === 401) redirectToLogin();
      else setProblem(problemOf(result));
    });
    return () => {
      cancelled = true;
    };
  }, [session, setSession, attempt]);

  if (session) return { status: 'ready', session };
  if (problem) return { status: 'error', problem, retry };
  return { status: 'loading' };
}
