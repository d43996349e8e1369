// HTTP(S) agents whose DNS answers are checked against the address guard before any socket opens,
// and whose connections give up after a connect timeout. Checking inside `lookup` (rather than
// resolving first and connecting later) means the address we check is the address we connect to.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { blockedReason } from './address-guard.js';
import { ScrapeError } from './errors.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

function blockedError(host: string, address: string, reason: string): ScrapeError {
  return new ScrapeError('BLOCKED_ADDRESS', `Refusing to fetch from ${host}: it resolves to ${address}, a ${reason} address`, {
    retryable: false,
  });
}

/** Which destinations may be private: everything, or only the listed host names. */
export interface AddressPolicy {
  allowPrivateAddresses: boolean;
  allowedPrivateHosts: readonly string[];
}

const trusted = (policy: AddressPolicy, host: string) =>
  policy.allowPrivateAddresses || policy.allowedPrivateHosts.some((h) => h.toLowerCase() === host.toLowerCase());

/** A `lookup` for net.connect that refuses hosts resolving to any blocked address. */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: dns.LookupOptions | number | undefined, callback: LookupCallback): void => {
    const opts: dns.LookupOptions = typeof options === 'number' ? { family: options } : { ...(options ?? {}) };
    dns.lookup(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!trusted(policy, hostname)) {
        // Every answer is checked, so a DNS server mixing a private address into the set can't win a race.
        for (const { address } of addresses) {
          const reason = blockedReason(address);
          if (reason) return callback(blockedError(hostname, address, reason), []);
        }
      }
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`No address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      if (opts.all) return callback(null, addresses);
      return callback(null, first.address, first.family);
    });
  };
}

/** Destroys a socket that has not finished connecting (TLS handshake included) in time. */
function armConnectTimeout(socket: Duplex, ms: number, host: string): void {
  const ready = socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect';
  const timer = setTimeout(() => {
    socket.destroy(new ScrapeError('CONNECT_TIMEOUT', `Could not connect to ${host} within ${ms} ms`, { retryable: true }));
  }, ms);
  const clear = () => clearTimeout(timer);
  socket.once(ready, clear);
  socket.once('close', clear);
  socket.once('error', clear);
}

class TimedHttpAgent extends http.Agent {
  constructor(private readonly connectTimeoutMs: number, options: http.AgentOptions & { lookup?: unknown }) {
    super(options);
  }
  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void) {
    const socket = super.createConnection(options, callback);
    if (socket) armConnectTimeout(socket, this.connectTimeoutMs, String(options.host ?? options.hostname));
    return socket;
  }
}

class TimedHttpsAgent extends https.Agent {
  constructor(private readonly connectTimeoutMs: number, options: https.AgentOptions & { lookup?: unknown }) {
    super(options);
  }
  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void) {
    const socket = super.createConnection(options, callback);
    if (socket) armConnectTimeout(socket, this.connectTimeoutMs, String(options.host ?? options.hostname));
    return socket;
  }
}

export interface Agents {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
}

/**
 * Agents for one fetch. `guard` is false when a proxy resolves the target for us: then the agent only
 * reaches the proxy (which may legitimately be on the private network) and the target is checked
 * beforehand by `assertHostAllowed`.
 */
export function createAgents(connectTimeoutMs: number, policy: AddressPolicy, guard = true): Agents {
  const base = { keepAlive: false, ...(guard ? { lookup: guardedLookup(policy) } : {}) };
  return {
    httpAgent: new TimedHttpAgent(connectTimeoutMs, base),
    httpsAgent: new TimedHttpsAgent(connectTimeoutMs, base),
  };
}

/**
 * Checks what `lookup` cannot: literal IP hosts (Node connects to them without a lookup) and, when a
 * proxy will do the resolving, the target's current DNS answers.
 */
export async function assertHostAllowed(url: URL, policy: AddressPolicy, resolve: boolean): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (trusted(policy, url.hostname) || trusted(policy, host)) return;
  if (net.isIP(host)) {
    const reason = blockedReason(host);
    if (reason) throw blockedError(url.hostname, host, reason);
    return;
  }
  if (!resolve) return;
  const addresses = await dns.promises.lookup(host, { all: true });
  for (const { address } of addresses) {
    const reason = blockedReason(address);
    if (reason) throw blockedError(host, address, reason);
  }
}
