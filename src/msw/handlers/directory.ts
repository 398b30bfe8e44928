/**
 * The directory areas in one table for `index.ts`: departments, teams and their members,
 * categories, tags, the company settings, API keys, invitations, passwords and the audit log.
 */
import type { HandlerTable } from '../operation.js';
import { apiKeyHandlers } from './api-keys.js';
import { auditLogHandlers } from './audit-logs.js';
import { categoryHandlers } from './categories.js';
import { departmentHandlers } from './departments.js';
import { invitationHandlers } from './invitations.js';
import { passwordHandlers } from './passwords.js';
import { settingsHandlers } from './settings.js';
import { tagHandlers } from './tags.js';
import { teamMemberHandlers } from './team-members.js';
import { teamHandlers } from './teams.js';

export const directoryHandlers: HandlerTable = {
  ...departmentHandlers,
  ...teamHandlers,
  ...teamMemberHandlers,
  ...categoryHandlers,
  ...tagHandlers,
  ...settingsHandlers,
  ...apiKeyHandlers,
  ...invitationHandlers,
  ...passwordHandlers,
  ...auditLogHandlers,
};
