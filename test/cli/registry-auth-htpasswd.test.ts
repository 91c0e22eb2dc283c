// Issue 14 item 1: every command that reads or writes a store works against a
// registry behind htpasswd basic auth, with each credential source.

import { registryAuthSuite } from '../support/registry-auth-scenario.js';

registryAuthSuite('htpasswd');
