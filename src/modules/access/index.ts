/** access: accounts, sessions, API tokens, roles and scope, the audit log. A leaf module. */
export { ROLES, inScope, reaches, assertInScope, scopedArea, scopePattern, type Actor, type Role } from './access.policy.js';
export { accessPlugin, guard, actorOf, SESSION_COOKIE } from './access.plugin.js';
export { accessRoutes } from './access.routes.js';
export { addAccount, createAccount, accountsNamed, anyAccount, issueApiToken, audit, type NewAccount } from './access.service.js';
export { disableAccount, revokeApiTokens, listApiTokens } from './access.service.js';
