// Log in and Sign up: the same form, two operations. Afterwards the user goes back to `next` (the pending
// consent request, typically) when it is a path on this origin, else to the API keys page.
import { logIn, loginPagePath, type Session, signUp, signupPagePath } from '@reminderit/sdk';
import { type FormEvent, useState } from 'react';
import { client, type Outcome, problemOf } from '../api.ts';
import { Field } from '../components/Field.tsx';
import { Layout } from '../components/Layout.tsx';
import { Link } from '../components/Link.tsx';
import { PageTitle } from '../components/PageTitle.tsx';
import { goTo, safeNext, useLocation } from '../navigation.ts';
import { useSessionContext } from '../session.tsx';

type Mode = 'login' | 'signup';

const copy = {
  login: {
    title: 'Log in',
    heading: 'Log in to ReminderIt',
    submit: 'Log in',
    passwordAutocomplete: 'current-password',
    passwordHint: undefined,
    switchPrompt: 'New to ReminderIt?',
    switchLink: 'Sign up',
    switchTo: signupPagePath,
    errors: {
      400: 'Enter your email address and password.',
      401: 'Wrong email or password.',
    },
  },
  signup: {
    title: 'Sign up',
    heading: 'Create your ReminderIt account',
    submit: 'Sign up',
    passwordAutocomplete: 'new-password',
    passwordHint: 'At least 10 characters.',
    switchPrompt: 'Already have an account?',
    switchLink: 'Log in',
    switchTo: loginPagePath,
    errors: {
      400: 'Enter a valid email address and a password of at least 10 characters.',
      409: 'An account with this email already exists. Log in instead.',
    },
  },
} as const;

async function submit(mode: Mode, email: string, password: string): Promise<{ data?: Session } & Outcome> {
  const body = { email, password };
  return mode === 'login' ? logIn({ client, body }) : signUp({ client, body });
}

export function AuthPage({ mode }: { mode: Mode }) {
  const text = copy[mode];
  const { query } = useLocation();
  const next = query.get('next');
  const { setSession } = useSessionContext();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const continuingConsent = next !== null && /^\/(consent|authorize)\?/.test(next);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await submit(mode, String(form.get('email') ?? ''), String(form.get('password') ?? ''));
    if (result.data) {
      setSession(result.data);
      goTo(safeNext(next));
      return;
    }
    setBusy(false);
    setError(problemOf(result, text.errors).message);
  };

  const switchTo = text.switchTo(next || undefined);

  return (
    <Layout>
      <PageTitle title={text.title}>{text.heading}</PageTitle>
      {continuingConsent && <p className="lead">{mode === 'login' ? 'Log in' : 'Sign up'} to continue connecting your app to ReminderIt.</p>}
      <form onSubmit={onSubmit} className="stack">
        <Field label="Email" name="email" type="email" autoComplete="email" required maxLength={254} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={text.passwordAutocomplete}
          required
          minLength={mode === 'signup' ? 10 : undefined}
          maxLength={256}
          hint={text.passwordHint}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} aria-busy={busy}>
          {text.submit}
        </button>
      </form>
      <p className="switch">
        {text.switchPrompt} <Link to={switchTo}>{text.switchLink}</Link>
      </p>
    </Layout>
  );
}
