import { Type } from '@sinclair/typebox';

const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

export const Target = Type.Object(
  {
    area: Type.Optional(Type.String({ pattern: '^\\d{2,15}$' })),
    workUnit: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    partyMember: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const Escalation = Type.Object(
  {
    resendAfterMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, description: 'resend to whoever has not acknowledged after this many minutes' })),
    escalateAfterMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, description: 'then tell the village secretary their names' })),
  },
  { additionalProperties: false },
);

export const CallupBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 60 }),
    template: Type.String({ minLength: 1, maxLength: 500, description: 'placeholders: {name} {area} {deadline} {link}' }),
    deadline: Type.String({ format: 'date-time' }),
    target: Target,
    escalation: Type.Optional(Escalation),
  },
  { additionalProperties: false },
);

export const Callup = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  template: Type.String(),
  deadline: Time,
  areaCode: Type.String(),
  target: Target,
  escalation: Escalation,
  status: Type.String(),
  createdAt: Time,
  sentAt: nullable(Time),
  actions: Type.Array(Type.String()),
});

export const Preview = Type.Object({
  draftId: Type.Integer(),
  area: Type.Object({ code: Type.String(), name: Type.String() }),
  reach: Type.Integer(),
  withoutPhone: Type.Integer(),
  example: nullable(Type.String()),
  characters: Type.Integer(),
  parts: Type.Integer(),
  totalParts: Type.Integer(),
});

export const SendResult = Type.Object({ id: Type.Integer(), members: Type.Integer(), withoutPhone: Type.Integer() });

const Counts = Type.Object({ total: Type.Integer(), received: Type.Integer(), acknowledged: Type.Integer(), arrived: Type.Integer(), unreachable: Type.Integer() });
const AreaCounts = Type.Composite([Counts, Type.Object({ code: Type.String(), name: Type.String() })]);
const Chase = Type.Object({
  staffId: Type.Integer(),
  name: Type.String(),
  phone: nullable(Type.String()),
  workUnit: Type.String(),
  areaCode: Type.String(),
  areaName: Type.String(),
  note: nullable(Type.String()),
});

export const Board = Type.Object({
  callup: Type.Object({ id: Type.Integer(), title: Type.String(), deadline: Time, sentAt: nullable(Time), status: Type.String() }),
  totals: Counts,
  towns: Type.Array(AreaCounts),
  villages: Type.Array(AreaCounts),
  curve: Type.Array(Type.Object({ at: Time, arrived: Type.Integer() })),
  counts: Type.Object({ notAcknowledged: Type.Integer(), notArrived: Type.Integer(), unreachable: Type.Integer() }),
  notAcknowledged: Type.Array(Chase),
  notArrived: Type.Array(Chase),
  unreachable: Type.Array(Chase),
});

export const Me = Type.Object({
  name: Type.String(),
  areaCode: Type.String(),
  areaName: Type.String(),
  workUnit: Type.String(),
  ackAt: nullable(Time),
  checkinAt: nullable(Time),
  checkinMethod: nullable(Type.String()),
});

export const MyCallup = Type.Object({
  callup: Type.Object({ id: Type.Integer(), title: Type.String(), deadline: Time, status: Type.String() }),
  me: Me,
});

export const CheckinBody = Type.Union([
  Type.Object({ village: Type.String({ minLength: 3, maxLength: 100 }) }, { additionalProperties: false }),
  Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }) }, { additionalProperties: false }),
]);

export const TokenParam = Type.Object({ token: Type.String({ minLength: 10, maxLength: 100, pattern: '^[\\w.-]+$' }) });
export const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const AreaParam = Type.Object({ code: Type.String({ pattern: '^\\d{2,15}$' }) });
export const CheckinPoint = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }), radiusM: Type.Integer({ minimum: 20, maximum: 5000 }) },
  { additionalProperties: false },
);

export const POST_NAMES = ['gate_duty', 'sampling_support', 'door_to_door', 'delivery_escort', 'traffic_checkpoint'] as const;
export const ShiftBody = Type.Object(
  {
    clientId: Type.String({ minLength: 8, maxLength: 64, description: 'client-generated: a retried assignment is the same shift' }),
    staffId: Type.Integer({ minimum: 1 }),
    areaCode: Type.String({ pattern: '^\\d{2,15}$' }),
    post: Type.Union(POST_NAMES.map((p) => Type.Literal(p))),
    startsAt: Type.String({ format: 'date-time' }),
    endsAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export const Shift = Type.Object({
  id: Type.Integer(),
  staffId: Type.Integer(),
  staffName: Type.String(),
  areaCode: Type.String(),
  post: Type.String(),
  startsAt: Time,
  endsAt: Time,
  hours: Type.Number(),
});
export const Roster = Type.Object({
  shifts: Type.Array(Shift),
  hours: Type.Array(Type.Object({ staffId: Type.Integer(), name: Type.String(), shifts: Type.Integer(), hours: Type.Number() })),
  rules: Type.Object({ maxContinuousHours: Type.Number(), minRestHours: Type.Number() }),
});
