/**
 * Every operation of the contract has exactly one SDK method. Read from the resource modules'
 * source: each method is one `{ method: 'X', path: … }` request description (see src/core/resource.ts),
 * so the pairs found there must be exactly the contract's, each once, named by the contract's operationId.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import contract from '../../src/generated/openapi.json' with { type: 'json' };

const RESOURCES = new URL('../../src/resources/', import.meta.url);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** `GET /v1/tickets/{}`: parameters made anonymous, so source and contract compare. */
const normalise = (method: string, route: string) => `${method.toUpperCase()} ${route.replace(/\$\{[^}]+\}|\{[^}]+\}/g, '{}')}`;

function sdkOperations(): string[] {
  const found: string[] = [];
  for (const file of readdirSync(RESOURCES).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, RESOURCES), 'utf8');
    for (const match of source.matchAll(/method: '([A-Z]+)',\s*path: (?:path`([^`]+)`|'([^']+)')/g)) {
      found.push(normalise(match[1]!, match[2] ?? match[3]!));
    }
  }
  return found.sort();
}

function contractOperations(): string[] {
  const paths = (contract as { paths: Record<string, Partial<Record<(typeof METHODS)[number], { operationId?: string }>>> }).paths;
  return Object.entries(paths)
    .flatMap(([route, item]) => METHODS.filter((method) => item[method]?.operationId).map((method) => normalise(method, route)))
    .sort();
}

/** The POSTs the contract gives no Idempotency-Key: the SDK must neither send one nor retry them blindly. */
function contractNonIdempotent(): string[] {
  const paths = (contract as { paths: Record<string, { post?: { operationId?: string; parameters?: { $ref?: string }[] } }> }).paths;
  return Object.entries(paths)
    .filter(([, item]) => item.post?.operationId && !item.post.parameters?.some((p) => p.$ref?.endsWith('/IdempotencyKey')))
    .map(([route]) => normalise('post', route))
    .sort();
}

function sdkNonIdempotent(): string[] {
  const found: string[] = [];
  for (const file of readdirSync(RESOURCES).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, RESOURCES), 'utf8');
    for (const match of source.matchAll(/method: 'POST',\s*path: (?:path`([^`]+)`|'([^']+)')[^}]*idempotent: false/g)) {
      found.push(normalise('POST', match[1] ?? match[2]!));
    }
  }
  return found.sort();
}

describe('SDK coverage of the contract', () => {
  it('marks exactly the POSTs without an Idempotency-Key in the contract as not idempotent', () => {
    expect(contractNonIdempotent().length).toBeGreaterThan(0);
    expect(sdkNonIdempotent()).toEqual(contractNonIdempotent());
  });

  it('has exactly one method per operation', () => {
    expect(contractOperations().length).toBeGreaterThan(100);
    expect(sdkOperations()).toEqual(contractOperations());
  });

  it("names each request with the contract's operationId for its method and path", () => {
    const byRoute = new Map<string, string>();
    for (const [route, item] of Object.entries(contract.paths as Record<string, Partial<Record<(typeof METHODS)[number], { operationId?: string }>>>)) {
      for (const method of METHODS) if (item[method]?.operationId) byRoute.set(normalise(method, route), item[method].operationId);
    }
    const named: [string, string][] = [];
    for (const file of readdirSync(RESOURCES).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, RESOURCES), 'utf8');
      for (const match of source.matchAll(/operation: '(\w+)',\s*method: '([A-Z]+)',\s*path: (?:path`([^`]+)`|'([^']+)')/g)) {
        const route = normalise(match[2]!, match[3] ?? match[4]!);
        named.push([route, match[1]!]);
      }
    }
    expect(named.length).toBe(byRoute.size);
    for (const [route, operation] of named) expect(operation, route).toBe(byRoute.get(route));
  });
});
