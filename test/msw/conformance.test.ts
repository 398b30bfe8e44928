/**
 * The SDK's conformance suite (test/conformance/) against the msw kit: the same cases the reference
 * server passes, with the ones the mock cannot run yet listed, with their reasons, in
 * conformance-target.ts.
 */
import { defineConformanceSuite } from '../conformance/suite.js';
import { mockTarget } from './conformance-target.js';

defineConformanceSuite(mockTarget);
