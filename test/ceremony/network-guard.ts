// A tripwire for "this never opens a network connection": while installed,
// every way node reaches the network (TCP/TLS connect, fetch, DNS lookups,
// UDP sends, listening sockets) records the attempt and throws.

import net from 'node:net';
import dgram from 'node:dgram';
import dns from 'node:dns';

export interface NetworkGuard {
  attempts: string[];
  restore(): void;
}

export function installNetworkGuard(): NetworkGuard {
  const attempts: string[] = [];
  const restores: Array<() => void> = [];
  const trip = (what: string) => {
    attempts.push(what);
    return new Error(`network access during a files-only command: ${what}`);
  };
  const patch = <T extends object, K extends keyof T>(target: T, key: K, replacement: T[K]) => {
    const original = target[key];
    target[key] = replacement;
    restores.push(() => {
      target[key] = original;
    });
  };

  patch(net.Socket.prototype, 'connect', function (this: net.Socket, ...args: unknown[]) {
    throw trip(`net.Socket.connect ${JSON.stringify(args[0])}`);
  } as never);
  patch(net.Server.prototype, 'listen', function () {
    throw trip('net.Server.listen');
  } as never);
  patch(dgram.Socket.prototype, 'send', function () {
    throw trip('dgram.send');
  } as never);
  patch(dns, 'lookup', function (hostname: string) {
    throw trip(`dns.lookup ${hostname}`);
  } as never);
  patch(dns.promises, 'lookup', async function (hostname: string) {
    throw trip(`dns.promises.lookup ${hostname}`);
  } as never);
  patch(globalThis, 'fetch', async function (input: unknown) {
    throw trip(`fetch ${String(input)}`);
  } as never);

  return {
    attempts,
    restore: () => {
      for (const restore of restores.reverse()) restore();
    },
  };
}
