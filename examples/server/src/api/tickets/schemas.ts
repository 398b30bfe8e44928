/** The input schemas of the tickets API, each checked against the contract by `conforms`. */
import { z } from 'zod';
import type { components } from '../../../../../src/generated/api.js';
import { conforms } from '../../http/contract.js';
import { id, page, timestamp } from '../../http/schemas.js';

type Schemas = components['schemas'];

export const STATUSES = ['new', 'open', 'in_progress', 'pending', 'resolved', 'closed'] as const satisfies readonly Schemas['TicketStatus'][];
export const PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const satisfies readonly Schemas['TicketPriority'][];
const IMPACT_LEVELS = ['low', 'medium', 'high', 'critical'] as const satisfies readonly Schemas['ImpactLevel'][];

/**
 * PostgreSQL text cannot hold U+0000 (the driver fails with an encoding error), so it is refused
 * here as bad input rather than reaching the database.
 */
const text = () => z.string().refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

const title = text().trim().min(1, 'must not be blank').max(255);
const description = text().max(100_000);
const hours = z.number().min(0).max(99_999.99).nullable();
const environment = text().max(50).nullable();
const affectedServices = z.array(text().min(1).max(100)).max(50);
const metadata = z
  .record(z.string(), z.unknown())
  .refine((value) => !JSON.stringify(value).includes('\\u0000'), 'must not contain NUL characters');
const priority = z.enum(PRIORITIES);
const impactLevel = z.enum(IMPACT_LEVELS).nullable();

export const TicketCreate = conforms<Schemas['TicketCreate']>()(
  z.strictObject({
    title,
    description: description.optional(),
    priority: priority.optional(),
    category_id: id.nullable().optional(),
    impact_level: impactLevel.optional(),
    requester_id: id.optional(),
    team_id: id.nullable().optional(),
    department_id: id.nullable().optional(),
    tag_ids: z
      .array(id)
      .max(50)
      .refine((ids) => new Set(ids.map((value) => value.toLowerCase())).size === ids.length, 'must not repeat a tag')
      .optional(),
    due_at: timestamp.nullable().optional(),
    estimated_hours: hours.optional(),
    environment: environment.optional(),
    affected_services: affectedServices.optional(),
    metadata: metadata.optional(),
  }),
);

export const TicketUpdate = conforms<Schemas['TicketUpdate']>()(
  z
    .strictObject({
      title: title.optional(),
      description: description.optional(),
      priority: priority.optional(),
      category_id: id.nullable().optional(),
      impact_level: impactLevel.optional(),
      team_id: id.nullable().optional(),
      department_id: id.nullable().optional(),
      due_at: timestamp.nullable().optional(),
      estimated_hours: hours.optional(),
      actual_hours: hours.optional(),
      resolution_notes: text().max(100_000).nullable().optional(),
      environment: environment.optional(),
      affected_services: affectedServices.optional(),
      metadata: metadata.optional(),
    })
    .refine((value) => Object.keys(value).length > 0, 'must change at least one field'),
);

export const TicketAssign = conforms<Schemas['TicketAssign']>()(
  z.strictObject({ assignee_id: id.nullable(), team_id: id.nullable().optional() }),
);

const reason = text().trim().min(1, 'must not be blank').max(1000);

export const TicketPend = conforms<Schemas['TicketPend']>()(z.strictObject({ reason }));

export const TicketResolve = conforms<Schemas['TicketResolve']>()(
  z.strictObject({ resolution_notes: text().trim().min(1, 'must not be blank').max(100_000) }),
);

export const TicketReopen = conforms<Schemas['TicketReopen']>()(z.strictObject({ reason: reason.optional() }));

/** `start` and `close` take no body; an empty object is tolerated. */
export const NoBody = z.strictObject({});

export const TicketParams = z.strictObject({ ticket_id: id });

export const TicketTagParams = z.strictObject({ ticket_id: id, tag_id: id });

export const HistoryQuery = z.strictObject(page);

export const SORTS = ['-created_at', 'created_at', '-updated_at', 'updated_at', 'priority', '-priority', 'due', '-due'] as const;
