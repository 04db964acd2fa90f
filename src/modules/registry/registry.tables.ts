import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/*
 * Codes, names, ID numbers and phones use the "C" collation (migration 0001):
 * prefix searches (LIKE 'abc%') and ORDER BY then run on one plain btree index,
 * in byte order, whatever the database's locale. Drizzle has no column
 * collation, so it is set in that migration only.
 */

/**
 * Areas are keyed by their national statistical division code; a child's code
 * starts with its parent's, so "inside area X" is a prefix test on the code.
 */
export const areas = pgTable(
  'areas',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    level: text('level').notNull(), // city | district | town | village | grid
    kind: text('kind'), // village (村) | community (社区), for level village
    parentCode: text('parent_code'),
  },
  (t) => [index('areas_parent_idx').on(t.parentCode)],
);

export const households = pgTable(
  'households',
  {
    householdNo: text('household_no').primaryKey(),
    areaCode: text('area_code').notNull(),
    address: text('address').notNull(),
  },
  // no index by area: a village's households are read through residents (area_code, household_no),
  // and every index here costs each imported row
);

const person = {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  idNumber: text('id_number').notNull(),
  name: text('name').notNull(),
  nameInitials: text('name_initials').notNull(),
  sex: text('sex').notNull(),
  birthDate: date('birth_date').notNull(),
  phone: text('phone'),
  address: text('address'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /** when `bastion purge` erased this person's ID number, name, phone and address (the row stays, to be counted) */
  purgedAt: timestamp('purged_at', { withTimezone: true }),
};

/**
 * The indexes behind scope and search: area prefix, name and initials in order, ID and phone tails.
 * One unique index on the reversed ID number serves both the exact ID (reverse(id_number) =
 * reverse($1), the upsert's conflict target) and the ID tail (LIKE reversed tail || '%'):
 * every index costs each imported row about as much as the row itself.
 */
function searchIndexes(table: string, t: { [K in keyof typeof person]: AnyPgColumn }) {
  return [
    uniqueIndex(`${table}_id_number_key`).using('btree', sql`reverse(${t.idNumber})`),
    index(`${table}_name_idx`).on(t.name, t.id),
    index(`${table}_initials_idx`).on(t.nameInitials, t.id),
    index(`${table}_phone_tail_idx`).using('btree', sql`reverse(${t.phone})`),
  ];
}

export const residents = pgTable(
  'residents',
  {
    ...person,
    areaCode: text('area_code').notNull(),
    householdNo: text('household_no'),
    bedridden: boolean('bedridden').notNull().default(false),
    elderlyAlone: boolean('elderly_alone').notNull().default(false),
    disabled: boolean('disabled').notNull().default(false),
  },
  // area first: scope prefix scans, and a village's residents by household (its SMS, its door-to-door list)
  (t) => [...searchIndexes('residents', t), index('residents_area_idx').on(t.areaCode, t.householdNo)],
);

export const organisations = pgTable(
  'organisations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    name: text('name').notNull(),
    kind: text('kind').notNull(), // party_branch | department | working_group | command_centre
    areaCode: text('area_code').notNull(),
    parentId: bigint('parent_id', { mode: 'number' }),
  },
  (t) => [uniqueIndex('organisations_name_area_key').on(t.name, t.areaCode)],
);

export const staff = pgTable(
  'staff',
  {
    ...person,
    workUnit: text('work_unit').notNull(),
    organisationId: bigint('organisation_id', { mode: 'number' }),
    partyMember: boolean('party_member').notNull().default(false),
    /** heads the work unit (单位负责人): told the names of its cadres who stay silent after a call-up */
    unitHead: boolean('unit_head').notNull().default(false),
    role: text('role').notNull(), // cadre | lead | sampler | inspector | courier ...
    assignedAreaCode: text('assigned_area_code').notNull(),
    /** set when an SMS to the phone could not be delivered: the registry needs a correction */
    phoneUndeliverableAt: timestamp('phone_undeliverable_at', { withTimezone: true }),
  },
  (t) => [
    ...searchIndexes('staff', t),
    index('staff_area_idx').on(t.assignedAreaCode),
    index('staff_unit_head_idx').on(t.workUnit).where(sql`unit_head`),
  ],
);

/** One import of a file; progress is read by the import page. */
export const importJobs = pgTable('import_jobs', {
  id: uuid('id').primaryKey(),
  kind: text('kind').notNull(), // residents | staff
  filename: text('filename').notNull(),
  accountId: bigint('account_id', { mode: 'number' }),
  scopeCode: text('scope_code').notNull(),
  status: text('status').notNull(), // running | done | failed
  totalBytes: bigint('total_bytes', { mode: 'number' }).notNull().default(0),
  readBytes: bigint('read_bytes', { mode: 'number' }).notNull().default(0),
  rowsRead: integer('rows_read').notNull().default(0),
  imported: integer('imported').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  rejected: integer('rejected').notNull().default(0),
  failure: text('failure'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  /** moved on by every batch: a job whose process died stops moving (several processes import at once) */
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  summary: jsonb('summary'),
});

export const importRejections = pgTable(
  'import_rejections',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    rowNo: integer('row_no').notNull(),
    field: text('field').notNull(),
    reason: text('reason').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.rowNo, t.field] })],
);
