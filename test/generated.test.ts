import { describe, expect, it } from 'vitest';
import { staleFiles } from '../scripts/generate.js';

describe('src/generated', () => {
  it('matches what npm run generate makes from openapi/', async () => {
    expect(await staleFiles(), 'run `npm run generate` and commit the result').toEqual([]);
  });
});
