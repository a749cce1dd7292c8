// Runs the partner flow against a running server: REMINDERIT_URL=http://localhost:3000 pnpm flow
import { isReminderItError } from '@reminderit/sdk';
import { runPartnerFlow } from './partner-flow.ts';

const baseUrl = process.env.REMINDERIT_URL ?? 'http://localhost:3000';
console.log(`partner flow against ${baseUrl}`);
try {
  await runPartnerFlow({ baseUrl, log: (line) => console.log(line) });
  console.log('done');
} catch (err) {
  if (isReminderItError(err)) console.error(`failed: ${err.status} ${err.error}: ${err.error_description ?? ''}`);
  else console.error('failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
