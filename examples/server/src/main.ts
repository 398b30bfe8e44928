/**
 * `npm start`: prepares the database (migrations, then the demo data when it is not there yet) and
 * reports what it made.
 */
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from './seed/demo.js';
import { attachmentsDir, localStorage } from './storage.js';

const config = loadConfig();
const db = await openDatabase(
  config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: `${config.dataDir}/pgdata` },
);
try {
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.dataDir}/pgdata`;
  console.log(`Database: ${where}`);
  const migrated = await migrate(db);
  console.log(
    migrated.applied.length > 0
      ? `Applied ${migrated.applied.length} migrations: ${migrated.applied.join(', ')}`
      : `Schema up to date (${migrated.alreadyApplied} migrations applied earlier)`,
  );
  const seeded = await seedDemo(db, localStorage(attachmentsDir(config.dataDir)));
  console.log(seeded.created ? 'Seeded the demo data:' : 'Demo data already present:');
  for (const [table, count] of Object.entries(seeded.counts)) console.log(`  ${table.padEnd(20)} ${count}`);
  console.log(`\nDemo logins (password "${DEMO_PASSWORD}"):`);
  for (const user of DEMO_USERS) console.log(`  ${user.role.padEnd(9)} ${user.email}`);
} finally {
  await db.close();
}
