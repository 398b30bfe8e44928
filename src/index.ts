/**
 * TypeScript SDK for the ticketflow helpdesk API.
 *
 * The package ships as both ESM and CommonJS, has no Node-specific runtime
 * dependencies and runs anywhere the Fetch API is available (Node 20.19+,
 * browsers, Deno, Bun, edge runtimes).
 *
 * @packageDocumentation
 */

// Replaced at build time by tsup and at test time by vitest (both read package.json),
// so the published constant cannot drift from the published version.
declare const __TICKETFLOW_VERSION__: string;

/**
 * Version of this package, as published to npm (for example `"1.4.0"`).
 *
 * Useful in bug reports and for telling the API which SDK release is calling.
 */
export const VERSION: string = __TICKETFLOW_VERSION__;
