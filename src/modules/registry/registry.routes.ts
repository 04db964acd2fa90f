import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { areasRoutes } from './areas/areas.routes.js';
import { exportRoutes } from './export/export.routes.js';
import { importRoutes } from './import/import.routes.js';
import { organisationsRoutes } from './organisations/organisations.routes.js';
import { peopleRoutes } from './people/people.routes.js';

/** Everything under /api/v1/registry. */
export const registryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(areasRoutes);
  await app.register(importRoutes);
  await app.register(exportRoutes);
  await app.register(organisationsRoutes);
  await app.register(peopleRoutes);
};
