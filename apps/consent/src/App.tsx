// The app's routes, by `location.pathname` (the SDK's CONSENT_APP_ROUTES, for which the server serves index.html).
import { CONSENT_APP_ROUTES } from '@reminderit/sdk';
import { useLocation } from './navigation.ts';
import { AuthPage } from './pages/AuthPage.tsx';
import { ConsentPage } from './pages/ConsentPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { KeysPage } from './pages/KeysPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SessionProvider } from './session.tsx';

function Page({ pathname }: { pathname: string }) {
  switch (pathname) {
    case CONSENT_APP_ROUTES.home:
      return <HomePage />;
    case CONSENT_APP_ROUTES.login:
      return <AuthPage mode="login" />;
    case CONSENT_APP_ROUTES.signup:
      return <AuthPage mode="signup" />;
    case CONSENT_APP_ROUTES.consent:
      return <ConsentPage />;
    case CONSENT_APP_ROUTES.keys:
      return <KeysPage />;
    default:
      return <NotFoundPage />;
  }
}

export function App() {
  const { path, pathname } = useLocation();
  return (
    <SessionProvider>
      {/* A new URL is a new page: its state starts afresh. */}
      <Page key={path} pathname={pathname} />
    </SessionProvider>
  );
}
