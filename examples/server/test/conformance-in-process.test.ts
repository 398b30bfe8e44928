/**
 * The SDK's conformance suite (test/conformance/) against the reference server in-process, on each
 * engine of the run: PGlite, and PostgreSQL when TEST_DATABASE_URL is set.
 */
import { defineConformanceSuite } from '../../../test/conformance/suite.js';
import { inProcessTarget } from './support/conformance-targets.js';
import { engines } from './support/test-database.js';

for (const engine of engines) defineConformanceSuite(inProcessTarget(engine));
