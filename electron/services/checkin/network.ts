import os from 'node:os';
import type { NetworkInterface } from '../../../shared/contract';

export { isLoopbackAddress as isLoopback, reachOf } from '../../../shared/contract';

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
      const cidr = networkOf(i.address, i.netmask);
      out.push({ name, address: i.address, netmask: i.netmask, cidr, internal: i.internal });
    }
  }
  return out.sort((a, b) => Number(a.internal) - Number(b.internal) || a.name.localeCompare(b.name));
}
