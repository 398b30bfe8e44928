/**
 * The SDK's conformance suite: every flow, against one target, ending with the check that every
 * operation of the contract was exercised through the SDK and answered with a success. Runners
 * call {@link defineConformanceSuite} with the factory of their target; this directory holds no
 * test file of its own, since the suite needs a target to run.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { administration } from './admin.js';
import { attachments } from './attachments.js';
import { auth } from './auth.js';
import { chat } from './chat.js';
import { Conformance } from './context.js';
import { events } from './events.js';
import { knowledgeBase } from './kb.js';
import { notificationsAndFeedback } from './notifications-feedback.js';
import { organisation } from './organisation.js';
import { people } from './people.js';
import { searchAndStats } from './search-stats.js';
import { slaAndEscalations } from './sla-escalations.js';
import { story } from './story.js';
import type { TargetFactory } from './target.js';
import { ticketsWorkflow } from './tickets-workflow.js';

export type { Capability, ConformanceTarget, Role, TargetFactory, TargetFixtures, TargetMail, TargetUser } from './target.js';
export { ROLES } from './target.js';

/** In order: `auth` last, since renewing an expired token moves the target's clock. */
const FLOWS: ((tf: Conformance) => void)[] = [
  story,
  ticketsWorkflow,
  attachments,
  events,
  organisation,
  people,
  knowledgeBase,
  slaAndEscalations,
  notificationsAndFeedback,
  administration,
  chat,
  searchAndStats,
  auth,
];

/** Registers the whole suite, in one `describe`, against the target `factory` makes. */
export function defineConformanceSuite(factory: TargetFactory): void {
  describe(`SDK conformance (${factory.name})`, () => {
    const tf = new Conformance(factory);
    beforeAll(async () => {
      // Here, not after registering: vitest collects nested describes after this callback returns.
      tf.checkUnsupported();
      tf.start(await factory.create());
    });
    afterAll(() => tf.stop());

    for (const flow of FLOWS) flow(tf);

    tf.test('exercised every operation of the contract through the SDK, each answered with a success', () => {
      // One assertion, so that a failure shows both lists.
      expect({ outsideContract: tf.log.outsideContract, neverSucceeded: tf.log.missing() }).toEqual({ outsideContract: [], neverSucceeded: [] });
      return Promise.resolve();
    });
  });
}
