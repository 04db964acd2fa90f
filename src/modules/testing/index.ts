/** testing (全员核酸检测): campaigns, tubes and swabs, labs and results, recalls, coverage, the campaign board. */
export { testingRoutes } from './testing.routes.js';
export type { TestingDeps } from './campaigns.service.js';
export { signPersonalCode } from './testing.codes.js';
export { seedDemoTesting } from './testing.demo.js';
export { forgetPurgedResidents } from './lookups.service.js';
