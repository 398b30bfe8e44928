/** What the HTTP benchmark's server processes are started with. */
import type { Target } from '../lib/target.js';

export interface ServerConfig {
  target: Target;
  /** Signs and verifies access tokens (the reference server); base64url. */
  jwtSecret: string;
  /** The baseline has no authentication: it acts as these users. */
  actors: { agent: string; customer: string };
  /** PostgreSQL pool size, the reference server's default. */
  maxConnections: number;
}
