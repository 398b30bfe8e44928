/** Which events a webhook subscribes to. */

/**
 * Whether a webhook listing `subscribed` wants an event of `type`: an empty list means every type;
 * otherwise the exact type or its `<resource>.*` wildcard must be listed.
 */
export function subscribesTo(subscribed: readonly string[], type: string): boolean {
  if (subscribed.length === 0) return true;
  const resource = type.slice(0, type.indexOf('.'));
  return subscribed.includes(type) || subscribed.includes(`${resource}.*`);
}
