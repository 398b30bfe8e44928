/** Small helpers the flows share: names nobody else uses, whole lists, and ready-made tickets. */
import type { Conformance } from './context.js';

/** Every item of a list, through all its pages. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** `prefix-1a2b3c4d`: names are unique, and the flows share one target. */
export const unique = (prefix: string, separator = '-') => `${prefix}${separator}${randomHex(4)}`;

/** A made-up word (letters only, so full-text search keeps it whole) nobody else in the run uses. */
export const word = () => `zq${Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => String.fromCharCode(97 + (byte % 26))).join('')}`;

/** An email address nobody has. */
export const newEmail = () => `sdk-${randomHex(5)}@conformance.test`;

/** A password that passes the password policy. */
export const newPassword = () => `pw ${randomHex(9)} long enough`;

/** The bytes of a stream, joined. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  // A reader, not `for await`: the DOM typings do not make a ReadableStream async-iterable.
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) chunks.push(read.value);
  const joined = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.byteLength;
  }
  return joined;
}

/** A ticket `customer` opened in the support department, picked up by `agent` (so agent2 does not see it). */
export async function supportTicket(
  tf: Conformance,
  fields: { title: string; priority?: 'urgent' | 'high' | 'medium' | 'low' },
  requester: 'customer' | 'customer2' = 'customer',
) {
  const ticket = await tf.as(requester).tickets.create({ description: 'Set up by the conformance suite', ...fields, department_id: tf.target.fixtures.departments.support });
  await tf.as('agent').tickets.assign(ticket.id, { assignee_id: tf.target.users.agent.id });
  return ticket;
}

/** A fresh account with a known password, made by the admin through the API. */
export async function createAccount(
  tf: Conformance,
  fields: { role?: 'customer' | 'agent' | 'manager' | 'admin'; first_name?: string; department_id?: string } = {},
): Promise<{ id: string; email: string; password: string }> {
  const email = newEmail();
  const password = newPassword();
  const user = await tf.as('admin').users.create({ email, password, first_name: 'Test', role: 'customer', ...fields });
  return { id: user.id, email, password };
}
