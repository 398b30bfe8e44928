/**
 * What the conformance suite runs against: a Ticketflow API reachable by URL, the accounts to sign
 * in with, the records every helpdesk has before anyone opens a ticket, and a few optional powers
 * over the server that only some targets have. SDK-level only: no server code here, so the same
 * suite can run against the reference server (in-process, over a port, on either database) or a mock.
 */

/** The roles the flows act as. */
export const ROLES = ['admin', 'manager', 'agent', 'agent2', 'customer', 'customer2'] as const;

export type Role = (typeof ROLES)[number];

/** An account to sign in with (by email and password, so the SDK's login and refresh are exercised). */
export interface TargetUser {
  id: string;
  email: string;
  password: string;
}

/**
 * The records that exist before the suite starts. `manager` and `agent` work in `support` (`agent`
 * in team `alpha`, which `manager` leads); `agent2` in `infra` (team `beta`); the customers belong
 * to no department.
 */
export interface TargetFixtures {
  departments: { support: string; infra: string };
  teams: { alpha: string; beta: string };
  /** A ticket category. */
  category: string;
  /** Two ticket tags. */
  tags: { vip: string; outage: string };
  /** An SLA policy for urgent tickets. */
  urgentSlaPolicy: string;
  /** A webhook whose one delivery failed (answered 503 once), so it can be sent again. */
  failedDelivery: { webhookId: string; deliveryId: string };
}

/** A message the server sent by email, and the secret (reset or invitation token) it carries. */
export interface TargetMail {
  text: string;
  token: string;
}

export interface ConformanceTarget {
  /** Where the API is; the SDK appends `/v1/…`. */
  baseUrl: string;
  /** The fetch the SDK uses; undefined for the global one (a real port, or a mock that patches it). */
  fetch?: typeof fetch;
  users: Record<Role, TargetUser>;
  fixtures: TargetFixtures;
  /** Capability: every email sent to `email` so far, oldest first. */
  mailTo?: (email: string) => Promise<TargetMail[]>;
  /**
   * Capability: lets the server finish its background work for everything done so far (SLA
   * planning and due timers, turning events into notifications) before resolving.
   */
  runBackgroundJobs?: () => Promise<void>;
  /** Capability: moves the server's clock forward. */
  advanceClock?: (seconds: number) => Promise<void>;
  /** Ends what the target started. */
  close(): Promise<void>;
}

/** The optional powers a case may need (see {@link ConformanceTarget}). */
export type Capability = 'mailTo' | 'runBackgroundJobs' | 'advanceClock';

/**
 * Makes a target. `unsupported` names, by title, the cases this target cannot run, each with the
 * reason: they are reported as todo with that reason, never dropped silently. A case that needs a
 * capability the target lacks and is not listed there fails and says so.
 */
export interface TargetFactory {
  /** Names the target in the suite's title. */
  name: string;
  unsupported?: Readonly<Record<string, string>>;
  create(): Promise<ConformanceTarget>;
}
