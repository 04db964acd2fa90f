import type { Db } from '../../../db/connection.js';
import { notFound } from '../../../lib/errors.js';
import { inScope, type Actor } from '../../access/index.js';
import { assertCan } from '../registry.policy.js';
import { areasRepo } from './areas.repo.js';

/** The actor's own area with its counts: the root of their tree. */
export async function areaRoot(db: Db, actor: Actor) {
  assertCan(actor, 'readAreas');
  const area = await areasRepo.get(db, actor.areaCode);
  if (!area) throw notFound('area');
  const counts = await areasRepo.countsOf(db, area.code);
  return { ...area, ...counts, hasChildren: true };
}

/** Children of an area inside the actor's scope; another subtree is "not found". */
export async function areaChildren(db: Db, actor: Actor, code: string) {
  assertCan(actor, 'readAreas');
  if (!inScope(actor, code)) throw notFound('area');
  const area = await areasRepo.get(db, code);
  if (!area) throw notFound('area');
  return { area, children: await areasRepo.childrenWithCounts(db, code) };
}

/** Areas inside the actor's scope by a part of their name (山尹 finds 山尹村村民委员会), for a picker: at most 20. */
export async function searchAreas(db: Db, actor: Actor, q: string) {
  assertCan(actor, 'readAreas');
  const words = q.trim();
  return words ? areasRepo.search(db, actor.areaCode, words, 20) : [];
}

export const areaName = async (db: Db, code: string) => (await areasRepo.get(db, code))?.name ?? null;
