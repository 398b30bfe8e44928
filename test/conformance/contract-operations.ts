/**
 * Which operation of the contract a request is, from its method and path, by the contract's path
 * templates; and a record of the operations a target answered with a success.
 */
import contract from '../../src/generated/openapi.json' with { type: 'json' };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Route {
  method: string;
  pattern: RegExp;
  /** Segments without a parameter: `/v1/invitations/accept` wins over `/v1/invitations/{id}`. */
  literals: number;
  operationId: string;
}

const routes: Route[] = Object.entries(contract.paths as Record<string, Partial<Record<(typeof METHODS)[number], { operationId?: string }>>>).flatMap(
  ([template, item]) =>
    METHODS.flatMap((method) => {
      const operationId = item[method]?.operationId;
      if (!operationId) return [];
      const segments = template.split('/');
      const pattern = new RegExp(`^${segments.map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : escape(segment))).join('/')}$`);
      return [{ method: method.toUpperCase(), pattern, literals: segments.filter((segment) => !segment.startsWith('{')).length, operationId }];
    }),
);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every operationId of the contract. */
export const CONTRACT_OPERATIONS: readonly string[] = routes.map((route) => route.operationId).sort();

/** The operation `method path` is (path without the base URL's own prefix), or undefined. */
export function operationOf(method: string, path: string): string | undefined {
  const matches = routes.filter((route) => route.method === method.toUpperCase() && route.pattern.test(path));
  return matches.sort((a, b) => b.literals - a.literals)[0]?.operationId;
}

/** What a target answered, operation by operation. */
export class OperationLog {
  readonly #succeeded = new Set<string>();
  /** Requests that matched no operation of the contract: the SDK must never send one. */
  readonly outsideContract: string[] = [];

  record(method: string, path: string, status: number): void {
    const operation = operationOf(method, path);
    if (operation === undefined) this.outsideContract.push(`${method} ${path}`);
    else if (status < 400) this.#succeeded.add(operation);
  }

  /** The operations of the contract never answered with a 2xx or 3xx. */
  missing(): string[] {
    return CONTRACT_OPERATIONS.filter((operation) => !this.#succeeded.has(operation));
  }
}
