/**
 * `tf.departments` (examples/server/src/api/organisation/departments.ts): everyone signed in reads
 * them; only admins create, change and delete them. Deleting one deletes nothing else: its users,
 * teams, tickets and invitations stay, without a department.
 */
import { z } from 'zod';
import type { components } from '../../generated/api.js';
import { created, noContent, ok, type HandlerTable } from '../operation.js';
import { fingerprint, paginate } from '../pagination.js';
import { forbidden, notFound } from '../problems.js';
import { detachDepartment, duplicate, isAdmin, nameTaken, requireStaff, unknownUser } from '../rules/organisation.js';
import type { DepartmentRow } from '../store.js';
import type { Work } from '../world.js';
import { flag, idKey, page } from './shared.js';

const ListQuery = z.strictObject({ ...page, is_active: flag.optional(), q: z.string().min(1).max(100).optional() });

const Params = z.strictObject({ department_id: idKey });

const ADMINS_ONLY = 'Only admins may change departments.';

/** Name unique case-insensitively (the index), then the manager's foreign key, then that they are staff. */
function checkRow(work: Work, row: DepartmentRow, before?: DepartmentRow): void {
  const { departments, users } = work.world.store.tables;
  if (row.name !== before?.name && nameTaken(departments.all(), row.name, row.id)) throw duplicate();
  if (row.manager_id !== null && row.manager_id !== before?.manager_id && !users.get(row.manager_id)) throw unknownUser('manager_id');
}

const lower = (value: string | null | undefined) => (typeof value === 'string' ? value.toLowerCase() : value);

export const departmentHandlers: HandlerTable = {
  listDepartments: {
    scope: 'directory',
    handle({ world, req }) {
      const query = req.query(ListQuery);
      const needle = query.q?.toLowerCase();
      const rows = world.store.tables.departments.where(
        (row) => (query.is_active === undefined || row.is_active === query.is_active) && (needle === undefined || row.name.toLowerCase().includes(needle)),
      );
      return ok(
        paginate(rows, {
          limit: query.limit,
          cursor: query.cursor,
          print: fingerprint('departments', { is_active: query.is_active, q: query.q }),
          keyLength: 2,
          keyOf: (row) => [row.name, row.id],
          serialize: (row): components['schemas']['Department'] => row,
        }),
      );
    },
  },
  createDepartment: {
    scope: 'directory',
    handle({ world, work, req }) {
      const body = req.json('createDepartment');
      if (!isAdmin(work.me)) throw forbidden(ADMINS_ONLY);
      const now = work.now();
      const row: DepartmentRow = {
        id: world.ids.uuid(),
        name: body.name,
        description: body.description ?? null,
        manager_id: lower(body.manager_id) ?? null,
        is_active: body.is_active ?? true,
        created_at: now,
        updated_at: now,
      };
      checkRow(work, row);
      requireStaff(world, row.manager_id, 'manager_id');
      const department = world.store.tables.departments.put(row);
      return created(department, { Location: `/v1/departments/${department.id}` });
    },
  },
  getDepartment: {
    scope: 'directory',
    handle({ world, req }) {
      const { department_id } = req.params(Params);
      const department = world.store.tables.departments.get(department_id);
      if (!department) throw notFound('department');
      return ok(department);
    },
  },
  updateDepartment: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { department_id } = req.params(Params);
      const body = req.json('updateDepartment');
      const { departments } = world.store.tables;
      const department = departments.get(department_id);
      if (!department) throw notFound('department');
      if (!isAdmin(work.me)) throw forbidden(ADMINS_ONLY);
      const next: DepartmentRow = {
        ...department,
        ...(body.name === undefined ? {} : { name: body.name }),
        ...('description' in body ? { description: body.description ?? null } : {}),
        ...('manager_id' in body ? { manager_id: lower(body.manager_id) ?? null } : {}),
        ...(body.is_active === undefined ? {} : { is_active: body.is_active }),
        updated_at: work.now(),
      };
      checkRow(work, next, department);
      if ('manager_id' in body) requireStaff(world, next.manager_id, 'manager_id');
      return ok(departments.put(next));
    },
  },
  deleteDepartment: {
    scope: 'directory',
    handle({ world, work, req }) {
      const { department_id } = req.params(Params);
      const { departments } = world.store.tables;
      if (!departments.get(department_id)) throw notFound('department');
      if (!isAdmin(work.me)) throw forbidden(ADMINS_ONLY);
      detachDepartment(work, department_id);
      departments.delete(department_id);
      return noContent();
    },
  },
};
