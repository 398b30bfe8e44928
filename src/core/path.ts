/**
 * Request paths with every parameter encoded: `path\`/v1/tickets/${id}/comments\`` can never be
 * turned into another path by a value holding `/`, `?` or `..`.
 */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((built, part, index) => {
    if (index === 0) return part;
    const value = String(values[index - 1]);
    // "." and ".." survive encodeURIComponent but would move up the path: refuse them.
    if (value === '' || value === '.' || value === '..') throw new TypeError(`invalid path parameter ${JSON.stringify(value)}`);
    return built + encodeURIComponent(value) + part;
  }, '');
}
