/** access: accounts, sessions, API tokens, roles and scope, the audit log. A leaf module. */
export { ROLES, inScope, scopePattern, type Actor, type Role } from './access.policy.js';
export { accessPlugin, guard, actorOf, SESSION_COOKIE } from './access.plugin.js';
export { accessRoutes } from './access.routes.js';
export { addAccount, accountsNamed, anyAccount, issueApiToken, audit, type NewAccount } from './access.service.js';
