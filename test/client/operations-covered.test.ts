/**
 * Every operation of the contract has exactly one SDK method. Read from the resource modules'
 * source: each method is one `{ method: 'X', path: … }` request description (see src/core/resource.ts),
 * so the pairs found there must be exactly the contract's, each once.
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

describe('SDK coverage of the contract', () => {
  it('has exactly one method per operation', () => {
    expect(contractOperations().length).toBeGreaterThan(100);
    expect(sdkOperations()).toEqual(contractOperations());
  });
});
