/**
 * Compile-time proof that a zod request schema accepts exactly the shape the OpenAPI contract
 * describes (the generated type). If either side changes without the other, `tsc` fails here.
 */
import type { z } from 'zod';

/** `exactOptionalPropertyTypes` spells an optional zod field `?: T | undefined`; the contract spells it `?: T`. */
type WithoutUndefined<T> = T extends unknown[] ? T : T extends object ? { [K in keyof T]: Exclude<T[K], undefined> } : T;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `conforms<components['schemas']['TicketCreate']>()(z.strictObject({…}))` returns the schema
 * unchanged, and does not compile unless the schema's input type equals the contract's type.
 */
export const conforms =
  <Contract>() =>
  <S extends z.ZodType>(schema: S & (Same<WithoutUndefined<z.input<S>>, Contract> extends true ? unknown : { __mismatch: Contract })): S =>
    schema;
