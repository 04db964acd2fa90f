/** mobilization (集结号): call-ups, acknowledgements, check-ins, the live arrival board. */
export { mobilizationRoutes } from './mobilization.routes.js';
export { acknowledgeBySms, seedDemoCheckinPoints } from './presence.service.js';
export { forgetPurgedStaff, type MobilizationDeps } from './callups.service.js';
export { signVillageToken, signMemberToken } from './mobilization.links.js';
export { runEscalations, startEscalations } from './escalation.service.js';
export { cadresOnPost } from './roster.service.js';
