/** Whether a module is the script node was started with (not imported by another): benchmarks run when started, and only export when imported. */
export const isMain = (moduleUrl: string): boolean => {
  const entry = process.argv[1];
  if (!entry) return false;
  const path = new URL(moduleUrl).pathname;
  return path === entry || path.replace(/\.ts$/, '') === entry.replace(/\.ts$/, '');
};
