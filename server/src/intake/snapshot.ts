import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AppError } from '@yingji/shared';

export const SNAPSHOT_MAX_BYTES = 5 * 1024 * 1024;
const TIMEOUT_MS = 5000;

/**
 * Addresses a snapshot is never fetched from (SSRF): this host, private and shared networks,
 * link-local (cloud metadata at 169.254.169.254), multicast, reserved and documentation ranges,
 * and IPv6 forms that embed an IPv4 address (NAT64, 6to4). IPv4-mapped IPv6 addresses
 * (::ffff:127.0.0.1) are checked against the IPv4 ranges by BlockList itself.
 */
const BLOCKED = new net.BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(a, p, 'ipv4');
for (const [a, p] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(a, p, 'ipv6');

/** The allow-list (INTAKE_SNAPSHOT_ALLOW_HOSTS): host names, addresses and CIDR ranges. */
interface Allowed {
  hosts: Set<string>;
  addresses: net.BlockList;
}

export function parseAllowList(raw: string | undefined): Allowed {
  const hosts = new Set<string>();
  const addresses = new net.BlockList();
  for (const entry of (raw ?? '').split(',').map((s) => s.trim().toLowerCase())) {
    if (!entry) continue;
    const [addr, prefix] = entry.split('/');
    const type = net.isIP(addr!) === 6 ? 'ipv6' : net.isIP(addr!) === 4 ? 'ipv4' : undefined;
    if (type && prefix !== undefined) addresses.addSubnet(addr!, Number(prefix), type);
    else if (type) addresses.addAddress(addr!, type);
    else hosts.add(entry);
  }
  return { hosts, addresses };
}

const familyOf = (address: string) => (net.isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** May this resolved address be fetched? Public ones yes; others only when allowed. */
export function addressAllowed(address: string, allowed: Allowed): boolean {
  const type = familyOf(address);
  return !BLOCKED.check(address, type) || allowed.addresses.check(address, type);
}

const refused = () => new AppError('SNAPSHOT_ADDRESS_REFUSED');

/**
 * A DNS lookup that checks every address the name resolves to, at connect time: the socket
 * connects to an address that was checked, so a name that answers differently the second time
 * (DNS rebinding) cannot slip through.
 */
function guardedLookup(allowed: Allowed): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      if (list.length === 0 || list.some((a) => !addressAllowed(a.address, allowed)))
        return callback(refused() as unknown as NodeJS.ErrnoException, '', 0);
      if ((options as dns.LookupOptions).all) return (callback as unknown as LookupAll)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
type LookupAll = (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void;

/**
 * Fetch an alarm's snapshot with limits: http(s) only; never from a private, loopback or
 * link-local address (each resolved address is checked) unless INTAKE_SNAPSHOT_ALLOW_HOSTS names
 * the host or its address; 5 s for the whole download; 5 MB at most (stopped as soon as it is
 * larger); an image content type; no redirects. The media service then checks it really is an image.
 */
export async function fetchSnapshot(url: string, allowHosts?: string): Promise<Buffer> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError('SNAPSHOT_FETCH_FAILED');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('SNAPSHOT_FETCH_FAILED');
  const allowed = parseAllowList(allowHosts);
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const hostAllowed = allowed.hosts.has(host);
  // An address literal is connected to without a lookup: check it here.
  if (!hostAllowed && net.isIP(host) && !addressAllowed(host, allowed)) throw refused();

  const get = u.protocol === 'https:' ? https.get : http.get;
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const fail = (e: AppError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new AppError('SNAPSHOT_FETCH_FAILED')), TIMEOUT_MS);
    const req = get(u, { ...(hostAllowed ? {} : { lookup: guardedLookup(allowed) }), headers: { accept: 'image/*' } });
    req.on('error', (e) => fail(e instanceof AppError ? e : new AppError('SNAPSHOT_FETCH_FAILED')));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300 || !/^image\//i.test(res.headers['content-type'] ?? ''))
        return fail(new AppError('SNAPSHOT_FETCH_FAILED'));
      if (Number(res.headers['content-length'] ?? 0) > SNAPSHOT_MAX_BYTES)
        return fail(new AppError('SNAPSHOT_TOO_LARGE'));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > SNAPSHOT_MAX_BYTES) return fail(new AppError('SNAPSHOT_TOO_LARGE'));
        chunks.push(chunk);
      });
      res.on('error', () => fail(new AppError('SNAPSHOT_FETCH_FAILED')));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(Buffer.concat(chunks));
      });
    });
  });
}
