// The part of undici the registry transport uses: connection pools (Agent,
// EnvHttpProxyAgent) and dispatcher.request. Importing the package index also
// loads fetch, WebSocket, EventSource, caches and mocks, which roughly doubles
// undici's share of a registry command's start-up.

import type * as Undici from 'undici';
import AgentImpl from 'undici/lib/dispatcher/agent.js';
import EnvHttpProxyAgentImpl from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';

// What undici's index does to give every dispatcher `request`, `stream`, … (idempotent).
Object.assign(DispatcherImpl.prototype, api);

export const Agent: typeof Undici.Agent = AgentImpl;
export const EnvHttpProxyAgent: typeof Undici.EnvHttpProxyAgent = EnvHttpProxyAgentImpl;
export type { Dispatcher } from 'undici';
