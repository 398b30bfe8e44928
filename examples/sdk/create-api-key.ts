/**
 * Makes an API key for an internal tool: signs in with a user's email and password (the SDK logs
 * in, and would refresh the token itself on a long run), creates a key scoped to tickets, and prints
 * it — the only time its secret is shown.
 *
 *   npx tsx examples/sdk/create-api-key.ts                      # as the demo agent, against npm start
 *   TICKETFLOW_URL=… TICKETFLOW_EMAIL=… TICKETFLOW_PASSWORD=… npx tsx examples/sdk/create-api-key.ts
 *
 * (In your own project: `import { Ticketflow } from 'ticketflow'`.)
 */
import { Ticketflow } from '../../src/index.js';

const tf = new Ticketflow({
  baseUrl: process.env.TICKETFLOW_URL ?? 'http://127.0.0.1:4010',
  credentials: {
    email: process.env.TICKETFLOW_EMAIL ?? 'agent@example.com',
    password: process.env.TICKETFLOW_PASSWORD ?? 'ticketflow-demo',
  },
});

const me = await tf.auth.me();
const created = await tf.apiKeys.create({ name: `internal tool (${new Date().toISOString().slice(0, 10)})`, scopes: ['tickets:read', 'tickets:write'] });
console.log(`API key for ${me.email} — keep it secret, it is not shown again:\n${created.key}`);
