/**
 * The SDK's conformance suite (test/conformance/) against the reference server listening on a
 * loopback port, called with the global fetch: real HTTP, streams and uploads included. PGlite is
 * enough here; the in-process run covers PostgreSQL.
 */
import { defineConformanceSuite } from '../../../test/conformance/suite.js';
import { portTarget } from './support/conformance-targets.js';

defineConformanceSuite(portTarget('pglite'));
