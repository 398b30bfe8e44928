/**
 * The company settings: one row, read by everyone signed in, changed by admins (row-level
 * security decides). Whether a time zone exists is the database's call (its tz data), so an
 * unknown name is the check constraint's 422.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { isDatabaseError } from '../../http/database-errors.js';
import { readJson } from '../../http/input.js';
import { forbidden, Problem } from '../../http/problem.js';
import { iso } from '../../http/serialize.js';

type CompanySettings = components['schemas']['CompanySettings'];

interface SettingsRow {
  company_name: string;
  ticket_prefix: string;
  time_zone: string;
  logo_url: string | null;
  critical_unassigned_minutes: number;
  updated_at: Date;
}

const COLUMNS = 'company_name, ticket_prefix, time_zone, logo_url, critical_unassigned_minutes, updated_at';

const toSettings = (row: SettingsRow): CompanySettings => ({
  company_name: row.company_name,
  ticket_prefix: row.ticket_prefix,
  time_zone: row.time_zone,
  logo_url: row.logo_url,
  critical_unassigned_minutes: row.critical_unassigned_minutes,
  updated_at: iso(row.updated_at),
});

const SettingsUpdate = conforms<components['schemas']['CompanySettingsUpdate']>()(
  z
    .strictObject({
      company_name: z.string().trim().min(1).max(255).optional(),
      ticket_prefix: z
        .string()
        .regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be 2 to 10 upper-case letters and digits, starting with a letter')
        .optional(),
      time_zone: z.string().min(1).max(64).optional(),
      logo_url: z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
        .max(500)
        .nullable()
        .optional(),
      critical_unassigned_minutes: z.int().min(1).max(10080).optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

export function settingsRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'))
    .get('/', async (c) => {
      const { rows } = await c.get('tx').query<SettingsRow>(`select ${COLUMNS} from company_settings`);
      // The row is created by the migration and cannot be deleted by requests.
      return c.json(toSettings(rows[0]!));
    })
    .patch('/', async (c) => {
      const body = await readJson(c, SettingsUpdate);
      let rows: SettingsRow[];
      try {
        ({ rows } = await c.get('tx').query<SettingsRow>(
          `update company_settings set
             company_name = coalesce($1, company_name),
             ticket_prefix = coalesce($2, ticket_prefix),
             time_zone = coalesce($3, time_zone),
             logo_url = case when $4 then $5 else logo_url end,
             critical_unassigned_minutes = coalesce($6, critical_unassigned_minutes)
           returning ${COLUMNS}`,
          [
            body.company_name ?? null, body.ticket_prefix ?? null, body.time_zone ?? null, 'logo_url' in body,
            body.logo_url ?? null, body.critical_unassigned_minutes ?? null,
          ],
        ));
      } catch (error) {
        if (isDatabaseError(error) && error.code === '23514' && error.constraint === 'company_settings_time_zone_check') {
          throw new Problem(422, 'unprocessable', `${body.time_zone} is not a known IANA time zone.`, [
            { location: 'body', path: 'time_zone', message: 'unknown time zone' },
          ]);
        }
        throw error;
      }
      // Everyone can see the one row, so an update that matched nothing was refused by the policy.
      if (!rows[0]) throw forbidden('Only admins may change the company settings.');
      return c.json(toSettings(rows[0]));
    });
}
