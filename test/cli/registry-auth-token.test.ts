// Issue 14 item 1: every command that reads or writes a store works against a
// registry behind token auth (a bearer challenge answered by a loopback issuer),
// with each credential source.

import { registryAuthSuite } from '../support/registry-auth-scenario.js';

registryAuthSuite('token');
