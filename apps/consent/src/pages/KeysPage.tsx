// API keys: every key (label, prefix, created, last used, the app it was issued to, status), create a key
// (its secret shown once), revoke with confirmation.
import { type ApiKey, type CreatedApiKey, createApiKey, listApiKeys, revokeApiKey, type Scope, type Session } from '@reminderit/sdk';
import { type FormEvent, type RefObject, useCallback, useEffect, useRef, useState } from 'react';
import { client, isUnauthorized, type Problem, problemOf } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { Layout } from '../components/Layout.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { ErrorPage, LoadingPage } from '../components/States.tsx';
import { formatDateTime } from '../format.ts';
import { redirectToLogin } from '../navigation.ts';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../scopes.ts';
import { useRequiredSession } from '../session.tsx';

type Load = { status: 'loading' } | { status: 'ready'; keys: ApiKey[] } | { status: 'error'; problem: Problem };

export function KeysPage() {
  const gate = useRequiredSession();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const signedIn = gate.status === 'ready';

  const refresh = useCallback(async (): Promise<void> => {
    const result = await listApiKeys({ client });
    if (result.data) setLoad({ status: 'ready', keys: result.data.keys });
    else if (isUnauthorized(result)) redirectToLogin();
    else setLoad({ status: 'error', problem: problemOf(result) });
  }, []);

  useEffect(() => {
    if (signedIn) void refresh();
  }, [signedIn, refresh]);

  // After creating or revoking, the list changes locally: a failed re-fetch must not replace the page (and
  // with it a secret that is shown only once) by an error.
  const update = useCallback((change: (keys: ApiKey[]) => ApiKey[]) => {
    setLoad((current) => (current.status === 'ready' ? { status: 'ready', keys: change(current.keys) } : current));
  }, []);

  if (gate.status === 'error') return <ErrorPage problem={gate.problem} retry={gate.retry} />;
  if (gate.status === 'loading' || load.status === 'loading') return <LoadingPage />;
  if (load.status === 'error') {
    const retry = () => {
      setLoad({ status: 'loading' });
      void refresh();
    };
    return <ErrorPage problem={load.problem} retry={retry} />;
  }

  return (
    <Layout session={gate.session} wide>
      <PageTitle title="API keys">API keys</PageTitle>
      <p className="lead">Apps you connect, like Claude, and keys you create can read and schedule your reminders. Revoke a key to disconnect it.</p>
      <KeyTable session={gate.session} keys={load.keys} update={update} />
      <CreateKey session={gate.session} update={update} />
    </Layout>
  );
}

type UpdateKeys = (change: (keys: ApiKey[]) => ApiKey[]) => void;

function KeyTable({ session, keys, update }: { session: Session; keys: ApiKey[]; update: UpdateKeys }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);

  const revoke = async (key: ApiKey) => {
    setBusy(true);
    setError(null);
    const result = await revokeApiKey({ client, path: { keyId: key.id }, headers: { 'X-CSRF-Token': session.csrf_token } });
    setBusy(false);
    if (result.error && isUnauthorized(result)) return redirectToLogin();
    if (result.error && result.response?.status !== 404) return setError(problemOf(result).message);
    setConfirming(null);
    setAnnouncement(`${key.label} was revoked.`);
    const now = new Date().toISOString();
    update((all) => all.map((k) => (k.id === key.id ? { ...k, revoked_at: k.revoked_at ?? now } : k)));
  };

  if (keys.length === 0) {
    return <p className="empty">You have no API keys yet. Connect an app such as Claude, or create a key below.</p>;
  }

  return (
    <>
      <div className="table-wrap">
        <table className="keys">
          <caption className="visually-hidden">Your API keys</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Activity</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <KeyRows
                key={key.id}
                apiKey={key}
                confirming={confirming === key.id}
                busy={busy}
                cancelRef={cancelRef}
                onRevoke={() => {
                  setError(null);
                  setConfirming(key.id);
                }}
                onCancel={() => setConfirming(null)}
                onConfirm={() => revoke(key)}
              />
            ))}
          </tbody>
        </table>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
    </>
  );
}

interface KeyRowsProps {
  apiKey: ApiKey;
  confirming: boolean;
  busy: boolean;
  cancelRef: RefObject<HTMLButtonElement | null>;
  onRevoke(): void;
  onCancel(): void;
  onConfirm(): void;
}

function KeyRows({ apiKey: key, confirming, busy, cancelRef, onRevoke, onCancel, onConfirm }: KeyRowsProps) {
  const revoked = key.revoked_at !== null;
  const labelId = `key-${key.id}`;
  // Screen readers hear which key, and what revoking means, on the confirmation buttons.
  const describedBy = `${labelId}-confirm ${labelId}`;
  return (
    <>
      <tr className={revoked ? 'revoked' : undefined}>
        <td>
          <strong id={labelId} className="key-label">
            {key.label}
          </strong>
          <code className="prefix">{key.prefix}…</code>
          <span className="detail">{key.client_id ? `Connected app: ${key.client_name ?? key.client_id}` : 'Created by you'}</span>
        </td>
        <td>
          <span className="detail">
            Created <time dateTime={key.created_at}>{formatDateTime(key.created_at)}</time>
          </span>
          <span className="detail">Last used {key.last_used_at ? <time dateTime={key.last_used_at}>{formatDateTime(key.last_used_at)}</time> : 'Never'}</span>
        </td>
        <td>
          {revoked ? (
            <>
              <span className="badge badge-revoked">Revoked</span>
              <time className="detail" dateTime={key.revoked_at!}>
                {formatDateTime(key.revoked_at!)}
              </time>
            </>
          ) : (
            <>
              <span className="badge">Active</span>
              {!confirming && (
                <button type="button" className="danger small" onClick={onRevoke}>
                  Revoke
                </button>
              )}
            </>
          )}
        </td>
      </tr>
      {confirming && !revoked && (
        <tr className="confirm-row">
          <td colSpan={3}>
            <div className="confirm">
              <p id={`${labelId}-confirm`}>Revoke this key? Anything using it, including a connected app, stops working immediately.</p>
              <div className="actions">
                <button type="button" className="danger" onClick={onConfirm} disabled={busy} aria-busy={busy} aria-describedby={describedBy}>
                  Yes, revoke
                </button>
                <button type="button" className="secondary" onClick={onCancel} disabled={busy} ref={cancelRef} aria-describedby={describedBy}>
                  Cancel
                </button>
              </div>
            </div>
          </td>
        </tr>
      )}
    </>
  );
}

function CreateKey({ session, update }: { session: Session; update: UpdateKeys }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const label = String(form.get('label') ?? '').trim();
    const scopes = form.getAll('scopes').map(String) as Scope[];
    if (!label) return setError('Give the key a label, so you can recognise it later.');
    if (scopes.length === 0) return setError('Choose at least one thing this key can do.');
    setBusy(true);
    setError(null);
    const result = await createApiKey({ client, body: { label, scopes }, headers: { 'X-CSRF-Token': session.csrf_token } });
    setBusy(false);
    if (result.data) {
      const { secret: _secret, ...listed } = result.data;
      setCreated(result.data);
      formRef.current?.reset();
      update((all) => [listed, ...all]); // newest first, like the server's list
      return;
    }
    if (isUnauthorized(result)) return redirectToLogin();
    setError(problemOf(result).message);
  };

  return (
    <section aria-labelledby="create-heading" className="card">
      <h2 id="create-heading">Create a key</h2>
      {created && <NewSecret apiKey={created} onDone={() => setCreated(null)} />}
      <form ref={formRef} onSubmit={onSubmit} className="stack">
        <Field label="Label" name="label" required maxLength={100} hint="Where you will use it, e.g. “Kitchen tablet”." />
        <fieldset>
          <legend>It can</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="check">
              <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === 'reminders:read'} />
              {SCOPE_DESCRIPTIONS[scope]}
            </label>
          ))}
        </fieldset>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} aria-busy={busy}>
          Create key
        </button>
      </form>
    </section>
  );
}

function NewSecret({ apiKey, onDone }: { apiKey: CreatedApiKey; onDone(): void }) {
  const [copyStatus, setCopyStatus] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(apiKey.secret);
      setCopyStatus('Copied.');
    } catch {
      setCopyStatus('Could not copy automatically: select the key and copy it.');
    }
  };

  return (
    <section className="secret" aria-labelledby="secret-heading">
      <h3 id="secret-heading" ref={headingRef} tabIndex={-1}>
        Your new key “{apiKey.label}”
      </h3>
      <p>
        <strong>Copy it now.</strong> This is the only time it will be shown.
      </p>
      <div className="secret-value">
        <input aria-label="New API key" readOnly value={apiKey.secret} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p role="status" className="hint">
        {copyStatus}
      </p>
      <button type="button" className="secondary small" onClick={onDone}>
        Done
      </button>
    </section>
  );
}
