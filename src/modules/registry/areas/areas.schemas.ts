import { Type } from '@sinclair/typebox';

export const Area = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  kind: Type.Union([Type.String(), Type.Null()]),
  parentCode: Type.Union([Type.String(), Type.Null()]),
});

export const AreaWithCounts = Type.Composite([
  Area,
  Type.Object({ residents: Type.Integer(), staff: Type.Integer(), hasChildren: Type.Boolean() }),
]);

export const AreaCodeParam = Type.Object({ code: Type.String({ pattern: '^\\d{2,15}$', maxLength: 15 }) });
