/**
 * `tf.settings` (examples/server/src/api/organisation/settings.ts): the company settings, one row
 * read by everyone signed in and changed by admins. A time zone must be one the platform knows
 * (the server asks PostgreSQL's tz data; the mock asks `Intl`). A new ticket prefix numbers the
 * tickets opened from then on.
 */
import { ok, type HandlerTable } from '../operation.js';
import { forbidden, MockProblem } from '../problems.js';
import { isAdmin } from '../rules/organisation.js';

/** Whether `name` is a time zone: an IANA name `Intl` knows, `UTC` among them. */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const settingsHandlers: HandlerTable = {
  getSettings: {
    scope: 'directory',
    handle({ world }) {
      return ok(world.store.settings);
    },
  },
  updateSettings: {
    scope: 'directory',
    handle({ world, work, req }) {
      const body = req.json('updateSettings');
      // Everyone sees the one row, so an update that matches nothing was refused by the policy.
      if (!isAdmin(work.me)) throw forbidden('Only admins may change the company settings.');
      if (body.time_zone !== undefined && !isTimeZone(body.time_zone)) {
        throw new MockProblem(422, 'unprocessable', `${body.time_zone} is not a known IANA time zone.`, [
          { location: 'body', path: 'time_zone', message: 'unknown time zone' },
        ]);
      }
      const { settings } = world.store;
      world.store.settings = {
        ...settings,
        ...(body.company_name === undefined ? {} : { company_name: body.company_name }),
        ...(body.ticket_prefix === undefined ? {} : { ticket_prefix: body.ticket_prefix }),
        ...(body.time_zone === undefined ? {} : { time_zone: body.time_zone }),
        ...('logo_url' in body ? { logo_url: body.logo_url ?? null } : {}),
        ...(body.critical_unassigned_minutes === undefined ? {} : { critical_unassigned_minutes: body.critical_unassigned_minutes }),
        updated_at: work.now(),
      };
      return ok(world.store.settings);
    },
  },
};
