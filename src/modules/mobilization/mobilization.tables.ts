import { bigint, bigserial, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** A call-up (集结号): one message to many cadres, with a deadline to be in place. */
export const callups = pgTable('callups', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  title: text('title').notNull(),
  template: text('template').notNull(),
  deadline: timestamp('deadline', { withTimezone: true }).notNull(),
  /** the commander's area: whom it may reach */
  areaCode: text('area_code').notNull(),
  /** { area?, workUnit?, partyMember? } */
  target: jsonb('target').notNull(),
  /** { resendAfterMin?, escalateAfterMin? }: chasing the silent, run by every process in turn */
  escalation: jsonb('escalation').notNull().default({}),
  status: text('status').notNull(), // draft | sent | closed
  createdBy: bigint('created_by', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  sentBy: bigint('sent_by', { mode: 'number' }),
});

/** Who a sent call-up reached, as they were at the moment of sending, and what each has done. */
export const callupMembers = pgTable(
  'callup_members',
  {
    callupId: bigint('callup_id', { mode: 'number' }).notNull(),
    staffId: bigint('staff_id', { mode: 'number' }).notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    workUnit: text('work_unit').notNull(),
    areaCode: text('area_code').notNull(),
    areaName: text('area_name').notNull(),
    ackAt: timestamp('ack_at', { withTimezone: true }),
    ackMethod: text('ack_method'), // link | sms
    checkinAt: timestamp('checkin_at', { withTimezone: true }),
    checkinMethod: text('checkin_method'), // qr | location | lead
    checkinBy: bigint('checkin_by', { mode: 'number' }),
    distanceM: integer('distance_m'),
    resentAt: timestamp('resent_at', { withTimezone: true }),
    escalatedAt: timestamp('escalated_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.callupId, t.staffId] }), index('callup_members_area_idx').on(t.callupId, t.areaCode)],
);

/** Where cadres of a village check in: the committee's position and the radius that counts as there. */
export const checkinPoints = pgTable('checkin_points', {
  areaCode: text('area_code').primaryKey(),
  lat: doublePrecision('lat').notNull(),
  lng: doublePrecision('lng').notNull(),
  radiusM: integer('radius_m').notNull().default(300),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A cadre on a post for a stretch of time (排班): gate duty, sampling support, door-to-door, … */
export const shifts = pgTable(
  'shifts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** client-generated: a retried assignment is the same shift */
    clientId: text('client_id').notNull().unique(),
    staffId: bigint('staff_id', { mode: 'number' }).notNull(),
    staffName: text('staff_name').notNull(),
    /** where the reminder before the shift goes */
    staffPhone: text('staff_phone'),
    areaCode: text('area_code').notNull(),
    post: text('post').notNull(), // gate_duty | sampling_support | door_to_door | delivery_escort | traffic_checkpoint
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    createdBy: bigint('created_by', { mode: 'number' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
  },
  (t) => [index('shifts_staff_idx').on(t.staffId, t.startsAt), index('shifts_area_idx').on(t.areaCode, t.startsAt)],
);
