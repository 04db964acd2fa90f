import { Type } from '@sinclair/typebox';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const AreaCode = Type.String({ pattern: '^\\d{2,15}$' });

export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const CodeParam = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
export const AreaQuery = Type.Object({ area: Type.Optional(AreaCode) });

export const CampaignBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 60 }),
    areaCode: Type.Optional(AreaCode),
    poolSize: Type.Integer({ description: '1, 5, 10 or 20 swabs to a tube' }),
    startsAt: Type.String({ format: 'date-time' }),
    targetEnd: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const Campaign = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  areaCode: Type.String(),
  poolSize: Type.Integer(),
  startsAt: Type.String(),
  targetEnd: Type.String(),
  status: Type.String(),
  createdAt: Type.String(),
  actions: Type.Array(Type.String()),
});

export const LabBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    username: Type.String({ minLength: 2, maxLength: 64 }),
    password: Type.String({ minLength: 8, maxLength: 200 }),
    capacityPerDay: Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'tubes a day' }),
  },
  { additionalProperties: false },
);
export const Lab = Type.Object({ id: Type.Integer(), name: Type.String(), accountId: nullable(Type.Integer()), capacityPerDay: Type.Integer() });
export const LabChoice = Type.Object({ id: Type.Integer(), name: Type.String() });
export const BoxesInTransit = Type.Array(
  Type.Object({ box: Type.String(), areaCode: Type.String(), areaName: nullable(Type.String()), lab: nullable(Type.String({ description: 'the laboratory it goes to' })), tubes: Type.Integer(), swabs: Type.Integer(), shippedAt: Type.String() }),
  { description: 'longest on the road first; 200 at most' },
);
export const LabQueue = Type.Object({
  name: Type.String(),
  capacityPerDay: Type.Integer(),
  backlog: Type.Integer({ description: 'tubes received and awaiting a result' }),
  oldestReceivedAt: nullable(Type.String()),
  tubes: Type.Array(Type.Object({ code: Type.String(), boxCode: nullable(Type.String()), members: Type.Integer(), receivedAt: Type.String() }), { description: 'the oldest 200' }),
});

export const ScansBody = Type.Object(
  {
    scans: Type.Array(
      Type.Object(
        {
          id: Type.String({ format: 'uuid', description: 'made by the station: a scan synced twice is one sample' }),
          campaignId: Type.Integer({ minimum: 1 }),
          tube: Type.String({ minLength: 1, maxLength: 64 }),
          person: Type.String({ minLength: 1, maxLength: 64, description: 'the personal code read from the QR code' }),
          at: Type.Optional(Type.String({ format: 'date-time' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export const ScanAnswer = Type.Object({
  id: Type.String(),
  outcome: Type.String({ description: 'recorded | already_recorded | refused' }),
  tube: Type.String(),
  members: Type.Optional(Type.Integer()),
  poolSize: Type.Optional(Type.Integer()),
  repeat: Type.Optional(Type.Boolean({ description: 'this person was already sampled in the campaign' })),
  code: Type.Optional(Type.String({ description: 'why it was refused' })),
});
export const ScansAnswer = Type.Object({ results: Type.Array(ScanAnswer) });

export const Tube = Type.Object({
  code: Type.String(),
  campaignId: Type.Integer(),
  areaCode: Type.String(),
  station: Type.String(),
  status: Type.String(),
  members: Type.Integer(),
  boxCode: nullable(Type.String()),
  result: nullable(Type.String()),
});

export const ShipBody = Type.Object(
  {
    tubes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 2000, uniqueItems: true }),
    lab: Type.Integer({ minimum: 1, description: 'the laboratory the box is for (GET /testing/labs/choices): only it receives the box and gives its results' }),
  },
  { additionalProperties: false },
);
export const BoxAnswer = Type.Object({ box: Type.String(), tubes: Type.Integer(), lab: Type.Optional(Type.String()) });

export const ResultsBody = Type.Object(
  {
    results: Type.Array(
      Type.Object({ tube: Type.String({ minLength: 1, maxLength: 64 }), result: Type.String({ minLength: 1, maxLength: 20, description: 'negative | positive | invalid (阴性 | 阳性 | 无效)' }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 20_000 },
    ),
  },
  { additionalProperties: false },
);
export const ResultsAnswer = Type.Object({
  recorded: Type.Integer(),
  corrected: Type.Integer(),
  recalled: Type.Integer({ description: 'people put on the recall list' }),
  rejected: Type.Array(Type.Object({ row: Type.Integer(), tube: Type.String(), field: Type.String(), reason: Type.String(), message: Type.String() })),
});

const Counts = {
  expected: Type.Integer({ description: 'residents registered in the area (area-code prefix), at whatever level' }),
  sampled: Type.Integer(),
  resulted: Type.Integer(),
  positivePools: Type.Integer({ description: 'positive pooled tubes (阳性混管): tubes, not people' }),
  toRetest: Type.Integer({ description: 'members of a positive pool not yet retested alone (待复核人员)' }),
  confirmed: Type.Integer({ description: 'residents positive by a single-tube result (确诊阳性（单管）)' }),
};
export const Coverage = Type.Object({
  area: Type.String(),
  totals: Type.Object(Counts),
  children: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), level: Type.String({ description: "the child's level; 'unassigned': residents registered at the area itself, in none of its children" }), ...Counts })),
});

export const Board = Type.Composite([
  Coverage,
  Type.Object({
    areaName: nullable(Type.String({ description: 'the name of the area shown' })),
    stages: Type.Array(Type.Object({ status: Type.String(), tubes: Type.Integer(), swabs: Type.Integer(), oldestMinutes: nullable(Type.Integer()) })),
    labs: Type.Array(Type.Object({ labId: Type.Integer(), name: Type.String(), capacityPerDay: Type.Integer(), backlog: Type.Integer(), resulted24h: Type.Integer() })),
    hourly: Type.Array(Type.Object({ hour: Type.String(), swabs: Type.Integer() })),
    recalls: Type.Object({ pending: Type.Integer(), total: Type.Integer() }),
    conflicts: Type.Integer({ description: 'people sampled twice (two stations offline)' }),
  }),
]);
export const Conflicts = Type.Object({
  area: Type.String(),
  conflicts: Type.Array(Type.Object({
    residentId: Type.Integer(), name: Type.String(), areaName: nullable(Type.String()),
    swabs: Type.Array(Type.Object({ tube: Type.String(), station: Type.String(), scannedAt: Type.String() })),
  })),
});
export const CodesQuery = Type.Object({ area: AreaCode, after: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })) });
export const Codes = Type.Object({
  area: Type.String(),
  codes: Type.Array(Type.Object({ residentId: Type.Integer(), name: Type.String(), householdNo: nullable(Type.String()), address: nullable(Type.String()), areaName: nullable(Type.String()), code: Type.String() })),
  next: nullable(Type.Integer()),
});

const Resident = {
  name: Type.String(),
  phone: nullable(Type.String()),
  householdPhone: nullable(Type.String({ description: 'when they have no phone of their own: a phone of their household' })),
  householdNo: nullable(Type.String()),
  address: nullable(Type.String()),
  areaCode: Type.String(),
  areaName: nullable(Type.String()),
};
export const Untested = Type.Object({
  area: Type.String(),
  residents: Type.Array(Type.Object({ id: Type.Integer(), ...Resident, homeVisit: Type.Boolean() })),
  next: nullable(Type.Integer({ description: 'the cursor of the next page' })),
});
export const UntestedQuery = Type.Object({
  area: Type.Optional(AreaCode),
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('csv')])),
});

export const Recalls = Type.Object({
  area: Type.String(),
  pending: Type.Integer(),
  toRetest: Type.Integer({ description: 'members of a positive pool on the list not yet retested alone (待复核人员)' }),
  confirmed: Type.Integer({ description: 'people on the list whose single-tube retest was positive (确诊阳性（单管）)' }),
  recalls: Type.Array(
    Type.Object({
      id: Type.Integer(),
      tube: Type.String(),
      reason: Type.String(),
      status: Type.String({ description: 'pending_retest | negative | positive | cancelled' }),
      createdAt: Type.String(),
      closedAt: nullable(Type.String()),
      residentId: Type.Integer(),
      ...Resident,
    }),
  ),
});

export const MyResults = Type.Object({
  name: Type.String(),
  code: Type.String({ description: 'the personal code, for the QR code' }),
  areaName: nullable(Type.String()),
  samples: Type.Array(
    Type.Object({ campaign: Type.String(), scannedAt: Type.String(), pooled: Type.Boolean(), result: nullable(Type.String()), resultedAt: nullable(Type.String()), recall: nullable(Type.String()) }),
  ),
});
export const LookupBody = Type.Object(
  {
    idNumber: Type.String({ pattern: '^\\d{17}[\\dXx]$' }),
    name: Type.String({ minLength: 1, maxLength: 30 }),
    phone: Type.String({ pattern: '^1\\d{10}$' }),
  },
  { additionalProperties: false },
);
export const PersonalCode = Type.Object({ residentId: Type.Integer(), name: Type.String(), areaName: nullable(Type.String()), code: Type.String() });

const Num = (min: number, max: number, description: string) => Type.Optional(Type.Number({ minimum: min, maximum: max, description }));
export const PlanQuery = Type.Object({
  residentsPerSite: Num(1, 100_000, 'residents one site serves (guidance: 2,000–3,000)'),
  residentsPerTable: Num(1, 10_000, 'residents one table serves (guidance: 600–800)'),
  swabsPerTableHour: Num(1, 1000, 'swabs a table takes in an hour'),
  turnaroundHours: Num(0, 72, 'from a sealed tube to its result'),
  labTubesPerDay: Num(0, 10_000_000, 'the labs’ capacity; the registered labs’ sum when absent'),
  area: Type.Optional(AreaCode),
});
const When = nullable(Type.String());
const NotChecked = (description: string) => nullable(Type.Integer({ description: `${description}; null: not checked (no data)` }));
export const Plan = Type.Object({
  area: Type.String({ description: 'the area planned: the one asked for (the board\'s drill-down), the reader\'s own by default' }),
  areaName: nullable(Type.String()),
  assumptions: Type.Object({ residentsPerSite: Type.Number(), residentsPerTable: Type.Number(), swabsPerTableHour: Type.Number(), turnaroundHours: Type.Number(), labTubesPerDay: nullable(Type.Number({ description: 'null: no lab registered and none assumed' })) }),
  campaign: Type.Object({
    residents: Type.Integer(), tubes: Type.Integer(), sites: Type.Integer(), tables: Type.Integer(), samplingEnd: Type.String(), resultsEnd: When, targetEnd: Type.String(), onTime: nullable(Type.Boolean()),
    missingTables: NotChecked('over the villages with a site registered'), missingSamplers: NotChecked('over the villages with a site registered'),
    villagesUnchecked: Type.Integer({ description: 'villages of the area with no site registered: their tables and samplers are not checked' }),
    missingLabTubesPerDay: NotChecked('the whole campaign\'s'),
  }, { description: 'the area planned (kept under this name for existing clients)' }),
  villages: Type.Array(Type.Object({
    code: Type.String(), name: Type.String(), residents: Type.Integer(), sitesPlanned: Type.Boolean(), sites: Type.Integer(), tables: Type.Integer(), tubes: Type.Integer(),
    samplingHours: Type.Number(), samplingEnd: Type.String(), resultsEnd: When, missingTables: NotChecked('tables'), missingSamplers: NotChecked('samplers'),
  })),
});

export const SiteBody = Type.Object(
  {
    areaCode: AreaCode,
    name: Type.String({ minLength: 1, maxLength: 60 }),
    address: Type.String({ minLength: 1, maxLength: 200 }),
    tables: Type.Integer({ minimum: 1, maximum: 500 }),
    samplers: Type.Integer({ minimum: 1, maximum: 2000 }),
    opensAt: Type.String({ format: 'date-time' }),
    closesAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export const Site = Type.Object({
  id: Type.Integer(), campaignId: Type.Integer(), areaCode: Type.String(), name: Type.String(), address: Type.String(), tables: Type.Integer(), samplers: Type.Integer(),
  opensAt: Type.String(), closesAt: Type.String(), notifiedAt: When,
  cadres: Type.Optional(Type.Array(Type.Object({ staffId: Type.Integer(), name: Type.String(), areaCode: Type.String(), startsAt: Type.String(), endsAt: Type.String() }), { description: 'cadres the roster puts on sampling support at the village while the site is open' })),
});
export const SiteParams = Type.Object({ id: Type.Integer({ minimum: 1 }), siteId: Type.Integer({ minimum: 1 }) });
export const SlotsAnswer = Type.Object({ households: Type.Integer(), people: Type.Integer(), slots: Type.Integer(), perSlot: Type.Integer(), queued: Type.Integer(), withoutPhone: Type.Integer() });

export const HomeVisits = Type.Object({
  area: Type.String(), total: Type.Integer(), done: Type.Integer(),
  visits: Type.Array(Type.Object({
    residentId: Type.Integer(), name: Type.String(), phone: nullable(Type.String()), householdPhone: Resident.householdPhone, address: nullable(Type.String()), areaCode: Type.String(), areaName: nullable(Type.String()),
    sampler: nullable(Type.String()), cadreStaffId: nullable(Type.Integer()), done: Type.Boolean(),
  })),
});
export const AssignBody = Type.Object(
  {
    residentIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 1000, uniqueItems: true }),
    sampler: Type.Optional(Type.String({ minLength: 2, maxLength: 64, description: 'the sampler’s user name' })),
    cadreStaffId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const WalkInBody = Type.Object(
  {
    idNumber: Type.String({ minLength: 15, maxLength: 20 }),
    name: Type.String({ minLength: 1, maxLength: 30 }),
    phone: Type.Optional(Type.String({ maxLength: 20 })),
    address: Type.String({ minLength: 1, maxLength: 200 }),
    areaCode: Type.Optional(AreaCode),
  },
  { additionalProperties: false },
);
export const WalkInAnswer = Type.Object({ residentId: Type.Integer(), created: Type.Boolean(), code: Type.String() });
