// The app's routes, by `location.pathname` (see navigation.ts; the server serves index.html for each).
import { useLocation } from './navigation.ts';
import { AuthPage } from './pages/AuthPage.tsx';
import { ConsentPage } from './pages/ConsentPage.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { KeysPage } from './pages/KeysPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SessionProvider } from './session.tsx';

function Page({ pathname }: { pathname: string }) {
  switch (pathname) {
    case '/':
      return <HomePage />;
    case '/login':
      return <AuthPage mode="login" />;
    case '/signup':
      return <AuthPage mode="signup" />;
    case '/consent':
      return <ConsentPage />;
    case '/keys':
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
