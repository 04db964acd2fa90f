import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from './access.policy.js';

export const SignInBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type SignInBody = Static<typeof SignInBody>;

export const Me = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  areaCode: Type.String(),
  areaName: Type.Union([Type.String(), Type.Null()]),
});
