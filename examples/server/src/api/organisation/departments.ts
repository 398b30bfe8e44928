/**
 * Departments. Everyone signed in reads them; only admins change them (row-level security decides:
 * anyone else's INSERT is refused by the database, their UPDATE and DELETE match no row).
 *
 * Deleting a department deletes nothing else: users, teams, tickets and invitations reference it
 * with ON DELETE SET NULL, so they stay, without a department.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { requireScope } from '../../auth/scopes.js';
import type { AppDeps, AppEnv } from '../../context.js';
import { conforms } from '../../http/contract.js';
import { isDatabaseError } from '../../http/database-errors.js';
import { readJson, readParams, readQuery } from '../../http/input.js';
import { decodeCursor, fingerprint, toPage } from '../../http/pagination.js';
import { notFound } from '../../http/problem.js';
import { forbiddenUnless, refusal } from '../../http/refusal.js';
import { flag, id, page } from '../../http/schemas.js';
import { iso } from '../../http/serialize.js';
import { requireStaff, unknownUser } from './staff.js';

type Department = components['schemas']['Department'];

interface DepartmentRow {
  id: string;
  name: string;
  description: string | null;
  manager_id: string | null;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, description, manager_id, is_active, created_at, updated_at';

const toDepartment = (row: DepartmentRow): Department => ({
  id: row.id,
  name: row.name,
  description: row.description,
  manager_id: row.manager_id,
  is_active: row.is_active,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

const name = z.string().trim().min(1).max(100);
const description = z.string().max(10_000).nullable();

const DepartmentCreate = conforms<components['schemas']['DepartmentCreate']>()(
  z.strictObject({ name, description: description.optional(), manager_id: id.nullable().optional(), is_active: z.boolean().optional() }),
);

const DepartmentUpdate = conforms<components['schemas']['DepartmentUpdate']>()(
  z
    .strictObject({
      name: name.optional(),
      description: description.optional(),
      manager_id: id.nullable().optional(),
      is_active: z.boolean().optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

const ListQuery = z.strictObject({ ...page, is_active: flag.optional(), q: z.string().min(1).max(100).optional() });

const Params = z.strictObject({ department_id: id });

const ADMINS_ONLY = 'Only admins may change departments.';

/** The manager key has a custom name the generic foreign-key message cannot read a field from. */
async function knownManager<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isDatabaseError(error) && error.code === '23503' && error.constraint === 'departments_manager_fk') throw unknownUser('manager_id');
    throw error;
  }
}

export function departmentRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireScope('directory'))
    .get('/', async (c) => {
      const query = readQuery(c, ListQuery);
      const filters = { is_active: query.is_active, q: query.q };
      const print = fingerprint('departments', filters);
      const after = query.cursor ? decodeCursor(query.cursor, print, 2) : null;
      // strpos rather than LIKE: the search text is matched literally, `%` and `_` included.
      const { rows } = await c.get('tx').query<DepartmentRow>(
        `select ${COLUMNS} from departments
          where ($1::boolean is null or is_active = $1)
            and ($2::text is null or strpos(lower(name), lower($2)) > 0)
            and ($3::text is null or (name, id) > ($3, $4::uuid))
          order by name, id
          limit $5`,
        [query.is_active ?? null, query.q ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
      );
      return c.json(toPage(rows, query.limit, print, (row) => [row.name, row.id], toDepartment));
    })
    .post('/', async (c) => {
      const body = await readJson(c, DepartmentCreate);
      const tx = c.get('tx');
      const { rows } = await knownManager(
        forbiddenUnless(
          tx.query<DepartmentRow>(
            `insert into departments (name, description, manager_id, is_active)
             values ($1, $2, $3, coalesce($4, true))
             returning ${COLUMNS}`,
            [body.name, body.description ?? null, body.manager_id ?? null, body.is_active ?? null],
          ),
          ADMINS_ONLY,
        ),
      );
      await requireStaff(tx, body.manager_id, 'manager_id');
      const department = toDepartment(rows[0]!);
      return c.json(department, 201, { Location: `/v1/departments/${department.id}` });
    })
    .get('/:department_id', async (c) => {
      const { department_id } = readParams(c, Params);
      const { rows } = await c.get('tx').query<DepartmentRow>(`select ${COLUMNS} from departments where id = $1`, [department_id]);
      if (!rows[0]) throw notFound('department');
      return c.json(toDepartment(rows[0]));
    })
    .patch('/:department_id', async (c) => {
      const { department_id } = readParams(c, Params);
      const body = await readJson(c, DepartmentUpdate);
      const tx = c.get('tx');
      // "Not given" keeps the value; an explicit null clears it.
      const { rows } = await knownManager(
        tx.query<DepartmentRow>(
          `update departments set
           name = coalesce($2, name),
           description = case when $3 then $4 else description end,
           manager_id = case when $5 then $6::uuid else manager_id end,
           is_active = coalesce($7, is_active)
         where id = $1
         returning ${COLUMNS}`,
          [
            department_id,
            body.name ?? null,
            'description' in body,
            body.description ?? null,
            'manager_id' in body,
            body.manager_id ?? null,
            body.is_active ?? null,
          ],
        ),
      );
      if (!rows[0]) throw await refusal(tx, 'departments', department_id, 'department', ADMINS_ONLY);
      await requireStaff(tx, body.manager_id, 'manager_id');
      return c.json(toDepartment(rows[0]));
    })
    .delete('/:department_id', async (c) => {
      const { department_id } = readParams(c, Params);
      const tx = c.get('tx');
      const { rowCount } = await tx.query('delete from departments where id = $1', [department_id]);
      if (rowCount === 0) throw await refusal(tx, 'departments', department_id, 'department', ADMINS_ONLY);
      return c.body(null, 204);
    });
}
