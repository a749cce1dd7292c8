// signUp, logIn, logOut, getCurrentSession.
import type {
  GetCurrentSessionData,
  GetCurrentSessionErrors,
  GetCurrentSessionResponses,
  LogInData,
  LogInErrors,
  LogInResponses,
  LogOutData,
  LogOutErrors,
  LogOutResponses,
  Session,
  SignUpData,
  SignUpErrors,
  SignUpResponses,
} from '@reminderit/sdk';
import { csrfError, sessionError } from '../auth.ts';
import { isRecord, oauthError, type Router, readJson } from '../respond.ts';
import { type MockState, randomId, randomToken } from '../state.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function credentials(body: unknown): { email: string; password: string } | null {
  if (!isRecord(body) || typeof body.email !== 'string' || typeof body.password !== 'string') return null;
  if (!EMAIL.test(body.email) || body.email.length > 254) return null;
  if (body.password.length < 10 || body.password.length > 256) return null;
  return { email: body.email.toLowerCase(), password: body.password };
}

const invalidCredentials = oauthError(400, 'invalid_request', 'Invalid request: a valid email and a password of at least 10 characters are required.');

function startSession(state: MockState, session: Omit<Session, 'csrf_token'>) {
  state.session = { ...session, csrf_token: randomToken(24) };
  const cookie = `rmt_session=${randomToken(32)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800`;
  return { session: state.session, headers: { 'Set-Cookie': cookie } };
}

export function accountHandlers(on: Router, state: MockState) {
  return [
    on<SignUpData, SignUpResponses & SignUpErrors>('post', '/api/auth/signup', async ({ request }) => {
      const creds = credentials(await readJson(request));
      if (!creds) return invalidCredentials;
      if (state.accounts.has(creds.email)) return oauthError(409, 'conflict', 'An account with this email already exists.');
      const user = { id: randomId(), email: creds.email, created_at: new Date().toISOString() };
      state.accounts.set(creds.email, { user, password: creds.password });
      const { session, headers } = startSession(state, { user });
      return { status: 201, body: session, headers };
    }),

    on<LogInData, LogInResponses & LogInErrors>('post', '/api/auth/login', async ({ request }) => {
      const body = await readJson(request);
      if (!isRecord(body) || typeof body.email !== 'string' || typeof body.password !== 'string') return invalidCredentials;
      const account = state.accounts.get(body.email.toLowerCase());
      if (!account || account.password !== body.password) return oauthError(401, 'unauthorized', 'Wrong email or password.');
      const { session, headers } = startSession(state, { user: account.user });
      return { status: 200, body: session, headers };
    }),

    on<LogOutData, LogOutResponses & LogOutErrors>('post', '/api/auth/logout', ({ request }) => {
      const denied = csrfError(state, request);
      if (denied) return denied;
      state.session = null;
      return { status: 204, headers: { 'Set-Cookie': 'rmt_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0' } };
    }),

    on<GetCurrentSessionData, GetCurrentSessionResponses & GetCurrentSessionErrors>('get', '/api/auth/session', () => {
      const denied = sessionError(state);
      if (denied) return denied;
      return { status: 200, body: state.session! };
    }),
  ];
}
