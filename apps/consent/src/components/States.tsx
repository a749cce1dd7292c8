// The in-between states every page has: loading, and a failure with a way to try again.
import type { Problem } from '../api.ts';
import { Layout } from './Layout.tsx';
import { PageTitle } from './PageTitle.tsx';

export function LoadingPage() {
  return (
    <Layout>
      <p role="status" className="loading">
        Loading…
      </p>
    </Layout>
  );
}

export function ErrorPage({ problem, retry }: { problem: Problem; retry?: () => void }) {
  return (
    <Layout>
      <PageTitle title="Something went wrong">Something went wrong</PageTitle>
      <p role="alert" className="error">
        {problem.message}
      </p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </Layout>
  );
}
