/** Settings read from the environment, in one place. */
import { isAbsolute, join, resolve } from 'node:path';

export interface Config {
  /** PostgreSQL when set; embedded PGlite otherwise. */
  databaseUrl: string | undefined;
  /** PGlite's data and the local attachment store live here. */
  dataDir: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // npm runs workspace scripts inside the workspace; INIT_CWD is where the user typed the command,
  // so a relative DATA_DIR means what they expect.
  const base = env.INIT_CWD ?? process.cwd();
  const dataDir = env.DATA_DIR ?? '.ticketflow';
  return {
    // An empty DATABASE_URL means unset, as in most tools.
    databaseUrl: env.DATABASE_URL?.trim() ? env.DATABASE_URL : undefined,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(join(base, dataDir)),
  };
}
