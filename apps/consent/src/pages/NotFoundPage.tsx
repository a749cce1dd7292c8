import { Layout } from '../components/Layout.tsx';
import { Link } from '../components/Link.tsx';
import { PageTitle } from '../components/PageTitle.tsx';

export function NotFoundPage() {
  return (
    <Layout>
      <PageTitle title="Page not found">Page not found</PageTitle>
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to ReminderIt</Link>
      </p>
    </Layout>
  );
}
