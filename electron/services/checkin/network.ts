import os from 'node:os';
import type { NetworkInterface } from '../../../shared/contract';

/** 127.0.0.0/8: every address there is this computer, and no other machine can reach it */
export function isLoopback(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

function toInt(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function toAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** `192.168.1.5` with `255.255.255.0` → `192.168.1.0/24` */
export function networkOf(address: string, netmask: string): string {
  const mask = toInt(netmask);
  const bits = mask.toString(2).replace(/0+$/, '').length;
  const network = toInt(address) - (toInt(address) % 2 ** (32 - bits));
  return `${toAddress(network)}/${bits}`;
}

/** this computer's IPv4 addresses, loopback last */
export function ipv4Interfaces(source: () => NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces) {
  const out: NetworkInterface[] = [];
  for (const [name, list] of Object.entries(source())) {
    for (const i of list ?? []) {
      if (i.family !== 'IPv4') continue;
      out.push({ name, address: i.address, netmask: i.netmask, cidr: networkOf(i.address, i.netmask), internal: i.internal });
    }
  }
  return out.sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name));
}

/**
 * Who can open a page listening on `address`, in the words the event screen shows. Loopback addresses are this
 * computer only; another address is reachable by every machine that can route to it, which on a venue's network
 * means everyone on it (the interface's network is named when known).
 */
export function reachOf(address: string, interfaces: readonly NetworkInterface[]): string {
  if (isLoopback(address)) return 'Only this computer can open the page.';
  const i = interfaces.find((x) => x.address === address);
  const network = i ? `the network ${i.cidr}` : 'the network';
  return `Anyone on ${network} who can reach ${address} can open the page (and so can this computer).`;
}
