/**
 * The bodies of the directory operations (departments, teams, categories, tags, settings, API keys,
 * invitations, passwords) as the server checks them: the contract's schemas, with the fields whose
 * server rule is worded or drawn differently (ids, slugs, colours, the password policy, the
 * database's email check) replaced by the server's own (examples/server/src/api/organisation,
 * api-keys, users; auth/password-policy.ts). `validate.ts` adds these to its table.
 */
import { z } from 'zod';
import type { OperationId } from '../core/operations.js';
import * as generated from '../generated/schemas.js';
import { id, timestamp } from './handlers/shared.js';

/** The `users_email_format` check of the database, which the server's invitations apply. */
export const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

/** What a new password must be (auth/password-policy.ts). */
const newPassword = z.string().min(12, 'must be at least 12 characters').max(256, 'must be at most 256 characters');

const optionalId = id.nullable().optional();

const slug = z.string().max(50).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens');

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour such as #d97706');

const settingsFields = {
  ticket_prefix: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be 2 to 10 upper-case letters and digits, starting with a letter').optional(),
  logo_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(500).nullable().optional(),
};

const scopes = z
  .array(generated.ApiKeyScopeSchema)
  .min(1, 'must name at least one scope')
  .refine((values) => new Set(values).size === values.length, 'must not repeat a scope');

/** The body schema of each directory operation. */
export const DIRECTORY_BODIES: Partial<Record<OperationId, z.ZodObject>> = {
  createDepartment: generated.DepartmentCreateSchema.safeExtend({ manager_id: optionalId }),
  updateDepartment: generated.DepartmentUpdateSchema.safeExtend({ manager_id: optionalId }),
  createTeam: generated.TeamCreateSchema.safeExtend({ department_id: optionalId, lead_id: optionalId }),
  updateTeam: generated.TeamUpdateSchema.safeExtend({ department_id: optionalId, lead_id: optionalId }),
  addTeamMember: generated.TeamMemberPutSchema,
  createCategory: generated.CategoryCreateSchema.safeExtend({ slug }),
  updateCategory: generated.CategoryUpdateSchema.safeExtend({ slug: slug.optional() }),
  createTag: generated.TagCreateSchema.safeExtend({ color: color.optional() }),
  updateTag: generated.TagUpdateSchema.safeExtend({ color: color.optional() }),
  updateSettings: generated.CompanySettingsUpdateSchema.safeExtend(settingsFields),
  createApiKey: generated.ApiKeyCreateSchema.safeExtend({ scopes, expires_at: timestamp.nullable().optional(), user_id: id.optional() }),
  createInvitation: generated.InvitationCreateSchema.safeExtend({
    email: z.string().max(255).regex(EMAIL_PATTERN, 'must be an email address'),
    department_id: optionalId,
  }),
  acceptInvitation: generated.InvitationAcceptSchema.safeExtend({ password: newPassword }),
  requestPasswordReset: generated.PasswordResetRequestSchema,
  confirmPasswordReset: generated.PasswordResetConfirmSchema.safeExtend({ new_password: newPassword }),
  changePassword: generated.PasswordChangeSchema.safeExtend({ new_password: newPassword }),
};

/** Fields the server trims before checking them. */
export const DIRECTORY_TRIMMED: Partial<Record<OperationId, readonly string[]>> = {
  createDepartment: ['name'],
  updateDepartment: ['name'],
  createTeam: ['name'],
  updateTeam: ['name'],
  createCategory: ['name'],
  updateCategory: ['name'],
  createTag: ['name'],
  updateTag: ['name'],
  updateSettings: ['company_name'],
  createApiKey: ['name'],
  createInvitation: ['email'],
  acceptInvitation: ['first_name', 'last_name'],
  requestPasswordReset: ['email'],
};
