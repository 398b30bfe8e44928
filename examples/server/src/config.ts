/** Settings read from the environment, in one place. */
import { isAbsolute, join, resolve } from 'node:path';
import type { LogLevel } from './logger.js';

export interface Config {
  /** PostgreSQL when set; embedded PGlite otherwise. */
  databaseUrl: string | undefined;
  /** PGlite's data, the local attachment store and the dev mailbox live here. */
  dataDir: string;
  host: string;
  port: number;
  /** Signs access tokens; required when several instances share a database. */
  jwtSecret: string | undefined;
  /** Browser origins allowed to call the API (CORS). */
  corsOrigins: string[];
  logLevel: LogLevel;
  /** SMTP server for notification emails; unset: `.eml` files under `<dataDir>/mailbox`. May hold a password: never log it. */
  smtpUrl: string | undefined;
  /** The From of notification emails. */
  smtpFrom: string;
  /** Slack incoming webhook for Slack notifications; unset: they fail as unconfigured. A secret. */
  slackWebhookUrl: string | undefined;
  /** Seconds a client has to send a request's headers: what cuts a slowloris. */
  headersTimeoutSeconds: number;
  /** Seconds a client has to send a whole request, body included (uploads: up to 50 MiB). */
  requestTimeoutSeconds: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // npm runs workspace scripts inside the workspace; INIT_CWD is where the user typed the command,
  // so a relative DATA_DIR means what they expect.
  const base = env.INIT_CWD ?? process.cwd();
  const dataDir = env.DATA_DIR ?? '.ticketflow';
  const port = Number(env.PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`PORT must be a port number, not "${env.PORT}"`);
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const jwtSecret = env.JWT_SECRET?.trim() ? env.JWT_SECRET : undefined;
  const smtpUrl = env.SMTP_URL?.trim() ? env.SMTP_URL.trim() : undefined;
  // The messages name the variable but never echo its value: both URLs may carry secrets.
  if (smtpUrl !== undefined && !/^smtps?:$/.test(parsedUrl(smtpUrl)?.protocol ?? '')) {
    throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL');
  }
  const smtpFrom = env.SMTP_FROM?.trim() ? env.SMTP_FROM.trim() : 'Ticketflow <ticketflow@localhost>';
  if (!/^[^@\s<>]+@[^@\s<>]+$|<[^@\s<>]+@[^@\s<>]+>$/.test(smtpFrom)) {
    throw new ConfigError('SMTP_FROM must be an address, optionally with a name: "Ticketflow <help@example.com>"');
  }
  const slackWebhookUrl = env.SLACK_WEBHOOK_URL?.trim() ? env.SLACK_WEBHOOK_URL.trim() : undefined;
  if (slackWebhookUrl !== undefined && !isHttpsOrLoopback(parsedUrl(slackWebhookUrl))) {
    throw new ConfigError('SLACK_WEBHOOK_URL must be an https:// URL');
  }
  if (jwtSecret !== undefined && jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  // Node's own defaults: 60 s for the headers, 300 s for the whole request.
  const headersTimeoutSeconds = seconds(env, 'HEADERS_TIMEOUT', 60);
  const requestTimeoutSeconds = seconds(env, 'REQUEST_TIMEOUT', 300);
  if (headersTimeoutSeconds > requestTimeoutSeconds) throw new ConfigError('HEADERS_TIMEOUT must not be longer than REQUEST_TIMEOUT');
  return {
    // An empty DATABASE_URL means unset, as in most tools.
    databaseUrl: env.DATABASE_URL?.trim() ? env.DATABASE_URL : undefined,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(join(base, dataDir)),
    host: env.HOST ?? '127.0.0.1',
    port,
    jwtSecret,
    corsOrigins: (env.CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean),
    logLevel,
    smtpUrl,
    smtpFrom,
    slackWebhookUrl,
    headersTimeoutSeconds,
    requestTimeoutSeconds,
  };
}

/** A whole number of seconds, at least 1. */
function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a whole number of seconds (1 or more), not "${text}"`);
  return value;
}

function parsedUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** https, or plain http to this machine (a local receiver while developing). */
function isHttpsOrLoopback(url: URL | undefined): boolean {
  if (!url) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
