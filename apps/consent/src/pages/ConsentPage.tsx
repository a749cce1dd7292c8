// The consent page: who is asking, where the browser goes next (loopback redirects get a warning), what
// the client may do, and Allow / Deny. Every client-supplied string is rendered as text by React.
import { type ConsentRequest, decideConsent, getConsentRequest, type Session } from '@reminderit/sdk';
import { useEffect, useState } from 'react';
import { client, isUnauthorized, type Problem, problemOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { Link } from '../components/Link.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { ErrorPage, LoadingPage } from '../components/States.tsx';
import { browser, redirectToLogin, useLocation } from '../navigation.ts';
import { useRequiredSession } from '../session.tsx';

const REQUEST_ID = /^[A-Za-z0-9_-]{16,128}$/;

type Load = { status: 'loading' } | { status: 'ready'; request: ConsentRequest } | { status: 'expired' } | { status: 'error'; problem: Problem };

export function ConsentPage() {
  const gate = useRequiredSession();
  const requestId = useLocation().query.get('request_id');
  const valid = requestId !== null && REQUEST_ID.test(requestId);
  const [load, setLoad] = useState<Load>(valid ? { status: 'loading' } : { status: 'expired' });
  const [attempt, setAttempt] = useState(0);
  const signedIn = gate.status === 'ready';
  useEffect(() => {
    if (!signedIn || !valid) return;
    let cancelled = false;
    void getConsentRequest({ client, path: { requestId } }).then((result) => {
      if (cancelled) return;
      if (result.data) setLoad({ status: 'ready', request: result.data });
      else if (isUnauthorized(result)) redirectToLogin();
      else if (result.response?.status === 404 || result.response?.status === 400) setLoad({ status: 'expired' });
      else setLoad({ status: 'error', problem: problemOf(result) });
    });
    return () => {
      cancelled = true;
    };
  }, [signedIn, valid, requestId, attempt]);

  if (gate.status === 'error') return <ErrorPage problem={gate.problem} retry={gate.retry} />;
  if (load.status === 'expired') return <ExpiredRequest session={gate.status === 'ready' ? gate.session : undefined} />;
  if (gate.status === 'loading' || load.status === 'loading') return <LoadingPage />;
  if (load.status === 'error') {
    const retry = () => {
      setLoad({ status: 'loading' });
      setAttempt((n) => n + 1);
    };
    return <ErrorPage problem={load.problem} retry={retry} />;
  }
  return <ConsentForm session={gate.session} request={load.request} onExpired={() => setLoad({ status: 'expired' })} />;
}

function ConsentForm({ session, request, onExpired }: { session: Session; request: ConsentRequest; onExpired(): void }) {
  const [busy, setBusy] = useState<'allow' | 'deny' | null>(null);
  const [leaving, setLeaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = request.client.client_name ?? request.client.label ?? 'An application';
  const host = request.redirect_host;

  const decide = async (decision: 'allow' | 'deny') => {
    setBusy(decision);
    setError(null);
    const result = await decideConsent({
      client,
      path: { requestId: request.request_id },
      body: { decision },
      headers: { 'X-CSRF-Token': session.csrf_token },
    });
    if (result.data) {
      setLeaving(true);
      browser.assign(result.data.redirect_to);
      return;
    }
    setBusy(null);
    if (isUnauthorized(result)) redirectToLogin();
    else if (result.response?.status === 404) onExpired();
    else setError(problemOf(result).message);
  };

  return (
    <Layout session={session}>
      <PageTitle title="Connect an app">
        <span className="client-name">{name}</span> wants to use your ReminderIt account
      </PageTitle>

      {request.client.metadata_document_host ? (
        <section className="identity" aria-labelledby="identity-label">
          <p id="identity-label">Verified app identity</p>
          <p className="host verified-host">{request.client.metadata_document_host}</p>
          <p className="note">
            ReminderIt checked that this app's details are published by <strong>{request.client.metadata_document_host}</strong>. The name “{name}” is what the
            app calls itself.
          </p>
        </section>
      ) : null}

      <section className="redirect" aria-labelledby="redirect-label">
        <p id="redirect-label">After you choose, you will be sent to</p>
        <p className="host">{host}</p>
      </section>

      {request.is_loopback && (
        <div className="warning" role="note">
          <p>
            <strong>Check this is you.</strong> Allowing will send you back to a program on this computer ({host}). Only continue if you started this connection
            yourself.
          </p>
        </div>
      )}

      <section aria-labelledby="scopes-heading">
        <h2 id="scopes-heading">It will be able to</h2>
        <ul className="scopes">
          {request.scopes.map((scope) => (
            <li key={scope.name}>{scope.description}</li>
          ))}
        </ul>
      </section>

      {request.client.label && (
        <p className="note">
          ReminderIt will create an API key named <strong>{request.client.label}</strong> for it. You can revoke it at any time on your{' '}
          <Link to="/keys">API keys</Link> page.
        </p>
      )}

      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}

      <div className="actions">
        <button type="button" onClick={() => decide('allow')} disabled={busy !== null || leaving} aria-busy={busy === 'allow'}>
          Allow
        </button>
        <button type="button" className="secondary" onClick={() => decide('deny')} disabled={busy !== null || leaving} aria-busy={busy === 'deny'}>
          Deny
        </button>
      </div>
      {leaving && (
        <p role="status" className="hint">
          Taking you to {host}…
        </p>
      )}
      <p className="hint">Signed in as {session.user.email}.</p>
    </Layout>
  );
}

export function ExpiredRequest({ session }: { session: Session | undefined }) {
  return (
    <Layout session={session}>
      <PageTitle title="Request expired">This request has expired</PageTitle>
      <p className="lead">
        This link to connect an app to ReminderIt is not valid here: each one works once, for 10 minutes, and only in the browser and the account that started
        it.
      </p>
      <p>Go back to the app you were connecting (for example Claude) and connect to ReminderIt again.</p>
      <p>
        <Link to="/keys">See your API keys</Link>
      </p>
    </Layout>
  );
}
