// The contract as one particular server serves it: `servers` names that server only, the rest of the file —
// its layout included — is kept. The API server passes PUBLIC_URL, the MSW mocks their own origin.
import { parseDocument } from 'yaml';

export function withServers(source, servers) {
  const document = parseDocument(source);
  document.set('servers', document.createNode(servers));
  return document.toString({ lineWidth: 0 });
}
