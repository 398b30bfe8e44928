/** `tf.departments`: departments. */
import type { APIPromise } from '../core/api-promise.js';
import type { BodyOf, ItemOf, ListQueryOf, ResultOf } from '../core/operations.js';
import type { PagePromise } from '../core/pagination.js';
import { path } from '../core/path.js';
import { Resource } from '../core/resource.js';
import type { RequestOptions } from '../core/transport.js';

/**
 * `tf.departments`: departments: everyone signed in reads them, admins change them.
 *
 * @example
 * ```ts
 * const department = await tf.departments.create({ name: 'Field service' });
 * for await (const ticket of tf.tickets.list({ department_id: department.id })) console.log(ticket.title);
 * ```
 */
export class Departments extends Resource {
  /**
   * The departments, by name.
   *
   * @example
   * ```ts
   * for await (const department of tf.departments.list({ is_active: true })) console.log(department.name);
   * ```
   */
  list(query?: ListQueryOf<'listDepartments'>, options?: RequestOptions): PagePromise<ItemOf<'listDepartments'>> {
    return this.paginate({ operation: 'listDepartments', method: 'GET', path: '/v1/departments', query, options });
  }

  /**
   * Creates a department (admins only).
   *
   * @example
   * ```ts
   * const department = await tf.departments.create({ name: 'Field service', manager_id: managerId });
   * ```
   */
  create(body: BodyOf<'createDepartment'>, options?: RequestOptions): APIPromise<ResultOf<'createDepartment'>> {
    return this.call({ operation: 'createDepartment', method: 'POST', path: '/v1/departments', body, options });
  }

  /**
   * One department.
   *
   * @example
   * ```ts
   * const department = await tf.departments.get(departmentId);
   * ```
   */
  get(departmentId: string, options?: RequestOptions): APIPromise<ResultOf<'getDepartment'>> {
    return this.call({ operation: 'getDepartment', method: 'GET', path: path`/v1/departments/${departmentId}`, options });
  }

  /**
   * Changes the given fields of a department (`null` clears one; admins only).
   *
   * @example
   * ```ts
   * await tf.departments.update(departmentId, { description: 'Printers and copiers' });
   * ```
   */
  update(departmentId: string, body: BodyOf<'updateDepartment'>, options?: RequestOptions): APIPromise<ResultOf<'updateDepartment'>> {
    return this.call({ operation: 'updateDepartment', method: 'PATCH', path: path`/v1/departments/${departmentId}`, body, options });
  }

  /**
   * Deletes a department (admins only); its users, teams and tickets stay, without a department.
   *
   * @example
   * ```ts
   * await tf.departments.delete(departmentId);
   * ```
   */
  delete(departmentId: string, options?: RequestOptions): APIPromise<void> {
    return this.call({ operation: 'deleteDepartment', method: 'DELETE', path: path`/v1/departments/${departmentId}`, options });
  }
}
