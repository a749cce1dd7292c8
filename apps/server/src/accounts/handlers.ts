// Account and session endpoints of the consent app (spec tag `account`).
import type { AppContext } from '../context.ts';
import { currentSessionHandler } from './current-session.ts';
import { logInHandler } from './log-in.ts';
import { logOutHandler } from './log-out.ts';
import { signUpHandler } from './sign-up.ts';

export function accountHandlers(ctx: AppContext) {
  return {
    signUp: signUpHandler(ctx),
    logIn: logInHandler(ctx),
    logOut: logOutHandler(ctx),
    getCurrentSession: currentSessionHandler(ctx),
  };
}
