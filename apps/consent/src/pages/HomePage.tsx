// `/`: the API keys page when signed in, the log-in page otherwise.
import { CONSENT_APP_ROUTES, getCurrentSession } from '@reminderit/sdk';
import { useEffect, useState } from 'react';
import { client, type Problem, problemOf } from '../api.ts';
import { ErrorPage, LoadingPage } from '../components/States.tsx';
import { navigate } from '../navigation.ts';
import { useSessionContext } from '../session.tsx';

export function HomePage() {
  const { session, setSession } = useSessionContext();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (session) return navigate(CONSENT_APP_ROUTES.keys, { replace: true });
    let cancelled = false;
    void getCurrentSession({ client }).then((result) => {
      if (cancelled) return;
      if (result.data) {
        setSession(result.data);
        navigate(CONSENT_APP_ROUTES.keys, { replace: true });
      } else if (result.response?.status === 401) navigate(CONSENT_APP_ROUTES.login, { replace: true });
      else setProblem(problemOf(result));
    });
    return () => {
      cancelled = true;
    };
  }, [session, setSession, attempt]);

  if (problem) {
    const retry = () => {
      setProblem(null);
      setAttempt((n) => n + 1);
    };
    return <ErrorPage problem={problem} retry={retry} />;
  }
  return <LoadingPage />;
}
