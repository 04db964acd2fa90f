/** registry: areas, households, residents, staff, organisations; import, export and the demo district. A leaf module. */
export { registryRoutes } from './registry.routes.js';
export { areaName } from './areas/areas.service.js';
export { runImport, type ImportSummary } from './import/import.service.js';
export { importRepo } from './import/import.repo.js';
export { writeRejectionReport } from './import/import.report.js';
export { prepareExport, type ExportList } from './export/export.service.js';
export { loadDemo, registryEmpty, DEMO_PASSWORD, type DemoResult } from './demo/demo.service.js';
export { SCALES, type Scale } from './demo/geography.js';
export type { ImportKind } from './import/import.fields.js';
export { staffTargets, staffInArea, areaNames, villageLeads, unitHeads, unitKey, flagUndeliverablePhones, type StaffTarget, type StaffFilter } from './people/people.targets.js';
export { residentsByIds, residentInArea, residentsPage, residentByIdentity, areaChildrenWithCounts, residentCount, householdsIn, type ResidentBrief, type HouseholdContact } from './people/people.lookups.js';
export { registerResident, type WalkIn } from './people/people.register.js';
export { purgePeople, type PeoplePurged } from './people/people.purge.js';
