import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** A mass-testing campaign (全员核酸检测) over an area, pooling `poolSize` swabs to a tube. */
export const campaigns = pgTable('campaigns', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  title: text('title').notNull(),
  areaCode: text('area_code').notNull(),
  poolSize: integer('pool_size').notNull(), // 1 | 5 | 10 | 20
  startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
  targetEnd: timestamp('target_end', { withTimezone: true }).notNull(),
  status: text('status').notNull(), // running | closed
  createdBy: bigint('created_by', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A laboratory: the account (role lab) its uploads come from, and its capacity in tubes a day. */
export const labs = pgTable('labs', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name').notNull().unique(),
  accountId: bigint('account_id', { mode: 'number' }).unique(),
  capacityPerDay: integer('capacity_per_day').notNull(),
});

/**
 * A sampling tube, by its barcode. It opens at its first scan, is sealed at the
 * station, packed into a box, handed to transport, received by a lab, resulted.
 */
export const tubes = pgTable(
  'tubes',
  {
    code: text('code').primaryKey(),
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull(),
    /** the village (or grid) of the station that opened it */
    areaCode: text('area_code').notNull(),
    station: text('station').notNull(),
    status: text('status').notNull(), // open | sealed | packed | in_transit | received | resulted
    members: integer('members').notNull().default(0),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    sealedAt: timestamp('sealed_at', { withTimezone: true }),
    boxCode: text('box_code'),
    packedAt: timestamp('packed_at', { withTimezone: true }),
    /** when transport took the box: the hand-over scan between the site and the lab */
    shippedAt: timestamp('shipped_at', { withTimezone: true }),
    labId: bigint('lab_id', { mode: 'number' }),
    receivedAt: timestamp('received_at', { withTimezone: true }),
    result: text('result'), // negative | positive | invalid
    resultedAt: timestamp('resulted_at', { withTimezone: true }),
  },
  (t) => [
    index('tubes_campaign_status_idx').on(t.campaignId, t.status, t.areaCode),
    index('tubes_box_idx').on(t.boxCode),
    // a lab's queue: only the tubes waiting at a lab, so it stays as small as the backlog
    index('tubes_lab_queue_idx').on(t.labId, t.receivedAt).where(sql`status = 'received'`),
    // boxes on the road: only the tubes in transit
    index('tubes_in_transit_idx').on(t.areaCode).where(sql`status = 'in_transit'`),
  ],
);

/**
 * One swab: a resident into a tube. `scanId` is made by the station, so a scan
 * synced twice (offline, retried) is one sample. The same person sampled twice
 * in a campaign (two stations offline) is kept twice and marked `repeat`.
 */
export const samples = pgTable(
  'samples',
  {
    // the station's id is the key: each index costs every one of thousands of swabs a second
    scanId: uuid('scan_id').primaryKey(),
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull(),
    tubeCode: text('tube_code').notNull(),
    residentId: bigint('resident_id', { mode: 'number' }).notNull(),
    /** the resident's village or grid when sampled: coverage counts by it */
    areaCode: text('area_code').notNull(),
    station: text('station').notNull(),
    /** when the station scanned it (its clock), and when it reached us */
    scannedAt: timestamp('scanned_at', { withTimezone: true }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    repeat: boolean('repeat').notNull().default(false),
  },
  (t) => [
    // a resident's samples (their page), and whether they were sampled in a campaign
    index('samples_resident_idx').on(t.residentId, t.campaignId),
    index('samples_tube_idx').on(t.tubeCode),
    index('samples_area_idx').on(t.campaignId, t.areaCode),
  ],
);

/** Every result a lab gave a tube, in order: a changed result is a correction beside the first, never over it. */
export const tubeResults = pgTable(
  'tube_results',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tubeCode: text('tube_code').notNull(),
    labId: bigint('lab_id', { mode: 'number' }).notNull(),
    result: text('result').notNull(),
    previous: text('previous'),
    recordedBy: bigint('recorded_by', { mode: 'number' }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('tube_results_tube_idx').on(t.tubeCode)],
);

/**
 * A member of a positive or invalid pooled tube, to be retested alone at home
 * (the retest task), until a single-tube result closes it.
 */
export const recalls = pgTable(
  'recalls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull(),
    tubeCode: text('tube_code').notNull(),
    residentId: bigint('resident_id', { mode: 'number' }).notNull(),
    areaCode: text('area_code').notNull(),
    reason: text('reason').notNull(), // positive | invalid
    status: text('status').notNull(), // pending_retest | negative | positive
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('recalls_tube_resident_key').on(t.tubeCode, t.residentId),
    index('recalls_area_idx').on(t.campaignId, t.areaCode),
    index('recalls_pending_idx').on(t.residentId).where(sql`status = 'pending_retest'`),
  ],
);

/** A sampling site (采样点) of a village for a campaign: its tables, its samplers and its hours. */
export const samplingSites = pgTable(
  'sampling_sites',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull(),
    areaCode: text('area_code').notNull(),
    name: text('name').notNull(),
    address: text('address').notNull(),
    tables: integer('tables').notNull(),
    samplers: integer('samplers').notNull(),
    opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    /** when its households were sent their time slots */
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('sampling_sites_name_key').on(t.campaignId, t.areaCode, t.name)],
);

/** Door-to-door sampling (上门采样) of someone who cannot come: who goes, and when it was assigned. */
export const homeVisits = pgTable(
  'home_visits',
  {
    campaignId: bigint('campaign_id', { mode: 'number' }).notNull(),
    residentId: bigint('resident_id', { mode: 'number' }).notNull(),
    areaCode: text('area_code').notNull(),
    sampler: text('sampler'),
    cadreStaffId: bigint('cadre_staff_id', { mode: 'number' }),
    assignedBy: bigint('assigned_by', { mode: 'number' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.residentId] })],
);
