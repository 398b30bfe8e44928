/** How much data to generate: the three sizes seed 003 names, and the rest derived from them. */

export interface Scale {
  tickets: number;
  comments: number;
  history: number;
  customers: number;
  agents: number;
  managers: number;
  admins: number;
  departments: number;
  teamsPerDepartment: number;
  articles: number;
  /** Tickets are spread over this many days up to now. */
  days: number;
  /** Same seed, same data (ids included). */
  seed: number;
}

/** Seed 003's target: 1M tickets, 5M comments, 10M history rows. */
export const SEED_003: Pick<Scale, 'tickets' | 'comments' | 'history'> = { tickets: 1_000_000, comments: 5_000_000, history: 10_000_000 };

/** The sizes `npm run bench` uses unless told otherwise: minutes, not hours, on a laptop. */
export const DEFAULT_TICKETS = 20_000;

/** A few hundred rows: seconds, for `--smoke`. */
export const SMOKE_TICKETS = 300;

/** Absent or undefined: the default. */
export type ScaleInput = { [K in keyof Scale]?: Scale[K] | undefined };

export function deriveScale(given: ScaleInput = {}): Scale {
  const tickets = given.tickets ?? DEFAULT_TICKETS;
  const agents = given.agents ?? Math.max(4, Math.round(tickets / 5000));
  return {
    tickets,
    // Seed 003's proportions: five comments and ten history rows per ticket.
    comments: given.comments ?? tickets * 5,
    history: given.history ?? tickets * 10,
    customers: given.customers ?? Math.max(20, Math.round(tickets / 10)),
    agents,
    managers: given.managers ?? Math.max(2, Math.round(agents / 10)),
    admins: given.admins ?? 3,
    departments: given.departments ?? 6,
    teamsPerDepartment: given.teamsPerDepartment ?? 3,
    articles: given.articles ?? Math.min(5000, Math.max(20, Math.round(tickets / 500))),
    days: given.days ?? 730,
    seed: given.seed ?? 1,
  };
}
