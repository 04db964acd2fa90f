import { Type } from '@sinclair/typebox';

const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** A person as lists show them: ID number and phone masked, the decade of birth and not the date (lib/idcard.ts `birthDecade`). */
export const PersonListItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  sex: Type.String(),
  birthDecade: Type.Integer({ description: 'the decade of birth (1980 for 1980–1989): the date is part of the ID number, revealed with it' }),
  idMasked: Type.String(),
  phoneMasked: nullable(Type.String()),
  address: nullable(Type.String()),
  areaCode: Type.String(),
  areaName: nullable(Type.String()),
  householdNo: Type.Optional(nullable(Type.String())),
  bedridden: Type.Optional(Type.Boolean()),
  elderlyAlone: Type.Optional(Type.Boolean()),
  disabled: Type.Optional(Type.Boolean()),
  workUnit: Type.Optional(Type.String()),
  partyMember: Type.Optional(Type.Boolean()),
  unitHead: Type.Optional(Type.Boolean()),
  role: Type.Optional(Type.String()),
  actions: Type.Array(Type.String()),
});

export const PersonPage = Type.Object({
  items: Type.Array(PersonListItem),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const PersonDetail = Type.Composite([
  PersonListItem,
  Type.Object({ household: Type.Array(PersonListItem) }),
]);

export const Pii = Type.Object({ idNumber: Type.String(), phone: nullable(Type.String()), birthDate: Type.String() });

export const KindParam = Type.Object({ kind: Type.Union([Type.Literal('residents'), Type.Literal('staff')]) });
export const PersonParams = Type.Composite([KindParam, Type.Object({ id: Type.Integer({ minimum: 1 }) })]);

export const ListQuery = Type.Object({
  area: Type.Optional(Type.String({ pattern: '^\\d{2,15}$' })),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'a name, pinyin initials, the last 1–4 digits of an ID number or phone, or (roles that may see personal data: audited, limited) a whole ID number or phone',
    }),
  ),
  cursor: Type.Optional(Type.String({ pattern: '^\\d{1,15}$' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  homeVisit: Type.Optional(Type.Boolean()),
});
