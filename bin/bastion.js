#!/usr/bin/env -S node --max-semi-space-size=32
// The `bastion` command: TypeScript sources run through tsx's loader, no build step.
// A young generation of 32 MB (Node's default is 16): a busy process makes short-lived objects by
// the thousand a request, and collecting them less often cut a swab's cost by up to a tenth. The
// flag lives here only: `npm start`, `npm run serve`, `npx bastion` and the benches run this file
// as a program, and `serve --workers N` passes it on to the workers.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
