/**
 * Helpdesk prose: titles, descriptions, replies and articles made of the words real tickets use, so
 * that full-text search has realistic matches (common words match many rows, rare ones few).
 */
import type { Random } from './random.js';

const SYSTEMS = [
  'VPN', 'email', 'printer', 'laptop', 'Wi-Fi', 'database', 'Kubernetes cluster', 'billing portal', 'SSO login',
  'backup job', 'CI pipeline', 'load balancer', 'DNS', 'storage volume', 'monitoring dashboard', 'mobile app',
  'invoice export', 'password reset', 'firewall', 'virtual machine', 'shared drive', 'calendar', 'video call',
  'TLS certificate', 'API gateway', 'message queue', 'report builder', 'payroll system', 'door badge', 'phone line',
] as const;

const PROBLEMS = [
  'is not responding', 'keeps disconnecting', 'returns an error', 'is very slow', 'fails after the update',
  'shows a blank page', 'rejects my password', 'times out', 'crashes on startup', 'cannot be reached',
  'sends duplicate notifications', 'lost my settings', 'is out of disk space', 'shows the wrong totals',
  'needs more permissions', 'stopped syncing', 'is stuck in a reboot loop', 'reports an expired certificate',
] as const;

const CONTEXTS = [
  'since this morning', 'for the whole team', 'on the third floor', 'after the latest release', 'when working from home',
  'only in Chrome', 'for customers in Europe', 'during the nightly run', 'on every second attempt', 'for new employees',
  'since the maintenance window', 'under heavy load', 'after the password change', 'in the staging environment',
] as const;

const ACTIONS = [
  'restarting it', 'clearing the cache', 'logging out and in again', 'reinstalling the client', 'switching networks',
  'rolling back the last change', 'checking the logs', 'rebooting the machine', 'renewing the certificate',
] as const;

const CUSTOMER_REPLIES = [
  'Still happening after {action}.',
  'Thanks, that fixed it for me but my colleague still sees the problem.',
  'It worked for a while, now the {system} {problem} again.',
  'Attached a screenshot of the error message.',
  'Any update on this? It is blocking our release.',
  'I tried {action} as suggested, no change.',
  'Confirmed, everything works now. Thank you!',
] as const;

const STAFF_REPLIES = [
  'Thanks for reporting this. Could you send a screenshot of the error?',
  'We have restarted the {system}; please try again and let us know.',
  'This is a known issue with the {system} {context}; a fix is scheduled.',
  'Could you try {action} and tell us whether the {system} still {problem}?',
  'The {system} has been patched. Please confirm it works for you.',
  'We are looking into the {system} logs now.',
] as const;

const INTERNAL_NOTES = [
  'Looks related to the {system} change from last week; escalating to the infrastructure team.',
  'Reproduced on the staging {system}. Root cause is probably the {other}.',
  'Customer is on the enterprise plan, prioritise.',
  'Waiting for the vendor to answer about the {system}.',
  'Same error as the {other} incident last month, see the postmortem.',
] as const;

/** Search terms from common to rare, with the share of tickets they roughly match. */
export const SEARCH_TERMS = ['password', 'printer not responding', 'vpn', 'kubernetes cluster', 'certificate expired', 'payroll'] as const;

/** Search terms for the knowledge base. */
export const KB_SEARCH_TERMS = ['reset password', 'vpn', 'printer', 'certificate', 'backup restore'] as const;

export class Prose {
  constructor(private readonly random: Random) {}

  private fill(template: string): string {
    return template
      .replace('{system}', this.random.pick(SYSTEMS))
      .replace('{other}', this.random.pick(SYSTEMS))
      .replace('{problem}', this.random.pick(PROBLEMS))
      .replace('{context}', this.random.pick(CONTEXTS))
      .replace('{action}', this.random.pick(ACTIONS));
  }

  title(): string {
    const system = this.random.pick(SYSTEMS);
    const title = `${system[0]!.toUpperCase()}${system.slice(1)} ${this.random.pick(PROBLEMS)}`;
    return this.random.chance(0.5) ? `${title} ${this.random.pick(CONTEXTS)}` : title;
  }

  description(): string {
    const sentences = [
      this.fill('The {system} {problem} {context}.'),
      `Error code ${this.random.between(100, 999)}-${this.random.between(1000, 9999)} appears in the logs.`,
      this.fill('We tried {action} but the {system} still {problem}.'),
      `This affects ${this.random.between(1, 40)} people in our office.`,
      this.fill('It started {context}, right after someone changed the {other}.'),
      this.fill('Please advise, the {system} is needed for month-end reporting.'),
    ];
    const count = this.random.between(2, 5);
    const out: string[] = [];
    for (let i = 0; i < count; i += 1) out.push(this.random.pick(sentences));
    return out.join(' ');
  }

  reply(byStaff: boolean, internal: boolean): string {
    if (internal) return this.fill(this.random.pick(INTERNAL_NOTES));
    return this.fill(this.random.pick(byStaff ? STAFF_REPLIES : CUSTOMER_REPLIES));
  }

  articleTitle(n: number): string {
    const system = this.random.pick(SYSTEMS);
    return this.random.pick([
      `How to reset your ${system} password (${n})`,
      `Troubleshooting: the ${system} ${this.random.pick(PROBLEMS)} (${n})`,
      `Getting started with the ${system} (${n})`,
      `Backup and restore for the ${system} (${n})`,
      `Renewing the certificate of the ${system} (${n})`,
    ]);
  }

  articleBody(): string {
    const paragraphs: string[] = [];
    const count = this.random.between(3, 8);
    for (let i = 0; i < count; i += 1) {
      paragraphs.push(`${this.description()} ${this.fill('If the {system} still {problem}, try {action}.')}`);
    }
    return paragraphs.join('\n\n');
  }
}
