// Every page: the header (brand; when signed in, the API keys link, who you are and Log out) and <main>.
import { CONSENT_APP_ROUTES, logOut, type Session } from '@reminderit/sdk';
import { type ReactNode, useState } from 'react';
import { client, problemOf } from '../api.ts';
import { navigate } from '../navigation.ts';
import { useSessionContext } from '../session.tsx';
import { Link } from './Link.tsx';

function Account({ session }: { session: Session }) {
  const { setSession } = useSessionContext();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onLogOut = async () => {
    setBusy(true);
    setError(null);
    const result = await logOut({ client, headers: { 'X-CSRF-Token': session.csrf_token } });
    setBusy(false);
    // 401: the session had already ended — the user is logged out either way.
    if (result.error && result.response?.status !== 401) {
      setError(problemOf(result).message);
      return;
    }
    setSession(null);
    navigate(CONSENT_APP_ROUTES.login, { replace: true });
  };

  return (
    <div className="account">
      <nav aria-label="Account">
        <Link to={CONSENT_APP_ROUTES.keys}>API keys</Link>
      </nav>
      <span className="who">{session.user.email}</span>
      <button type="button" className="secondary small" onClick={onLogOut} disabled={busy}>
        Log out
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

export function Layout({ session, wide, children }: { session?: Session; wide?: boolean; children: ReactNode }) {
  return (
    <>
      <header className="topbar">
        <div className={wide ? 'bar wide' : 'bar'}>
          <span className="brand">ReminderIt</span>
          {session && <Account session={session} />}
        </div>
      </header>
      <main className={wide ? 'page wide' : 'page'}>{children}</main>
    </>
  );
}
