import { z } from 'zod';

/**
 * The attendee check-in page of an event (`checkin.*` methods and pushes): a small web server of its own per event
 * that hands each arriving person a session and sends their browser to it.
 */

const id = z.string().min(1).max(200);

/** `code`: anyone with the event code (when one is set); `listed`: only the event's attendees, matched by email */
export const checkinModeSchema = z.enum(['code', 'listed']);
export type CheckinMode = z.infer<typeof checkinModeSchema>;

/**
 * An event code as people type it on a phone: letters, digits, spaces and dashes. It is compared without regard to
 * case, spaces or dashes, so "kube 24" matches "KUBE-24".
 */
export const checkinCodeSchema = z
  .string()
  .trim()
  .min(3, 'an event code needs at least 3 characters')
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 -]*$/, 'an event code is letters, digits, spaces and dashes');

/** an IPv4 address of this computer (127.0.0.1 for "only this computer") */
export const checkinAddressSchema = z.ipv4({ error: 'must be an IPv4 address such as 192.168.1.5' });

export const LOCAL_ONLY_ADDRESS = '127.0.0.1';

export const checkinStateSchema = z.enum([
  'stopped', // off (the default): nothing listens
  'running', // listening at `url`
  'failed', // asked to run (also after a restart of the console) but could not listen: `error` says why
]);
export type CheckinState = z.infer<typeof checkinStateSchema>;

export const checkinStatusSchema = z.object({
  eventId: z.string(),
  mode: checkinModeSchema,
  /** the event code attendees type; null: none asked */
  code: z.string().nullable(),
  state: checkinStateSchema,
  /** where the page listens (127.0.0.1 unless shared on the local network) */
  address: z.string(),
  /** chosen once per event and kept, so the address on the projector stays valid across restarts */
  port: z.number().int().nullable(),
  /** the page's address (the QR code): known once a port was chosen */
  url: z.string().nullable(),
  shared: z.boolean(),
  /** who can open the page, in plain words */
  reach: z.string(),
  /** the built-in portal's address for attendees while shared (null otherwise) */
  portalUrl: z.string().nullable(),
  /** why it is not running although it was asked to */
  error: z.string().nullable(),
  /** set when the kept port was held by another program and the page moved: the old address no longer works */
  movedFrom: z.string().nullable(),
  startedAt: z.number().nullable(),
  /** since the console started */
  stats: z.object({
    /** submissions that ended in the attendee's session (a repeat check-in counts again) */
    checkedIn: z.number().int(),
    /** people added to the attendee list by checking in */
    walkIns: z.number().int(),
    /** wrong code, not on the list, bad form, expired form */
    refused: z.number().int(),
    /** submissions refused by the rate limits */
    limited: z.number().int(),
    /** no session free (or another refusal of the portal) */
    unavailable: z.number().int(),
  }),
});
export type CheckinStatus = z.infer<typeof checkinStatusSchema>;

export const networkInterfaceSchema = z.object({
  name: z.string(),
  address: z.string(),
  netmask: z.string(),
  /** the network, e.g. 192.168.1.0/24 */
  cidr: z.string(),
  internal: z.boolean(),
});
export type NetworkInterface = z.infer<typeof networkInterfaceSchema>;

export const checkinMethodSchemas = {
  eventInput: z.object({ eventId: id }),
  configureInput: z.object({
    eventId: id,
    mode: checkinModeSchema.optional(),
    /** null removes the code */
    code: checkinCodeSchema.nullable().optional(),
  }),
  startInput: z.object({
    eventId: id,
    /** 127.0.0.1 (the default): only this computer; another address of this computer shares the page there */
    address: checkinAddressSchema.optional(),
  }),
};

/** 127.0.0.0/8: every address there is this computer, and no other machine can reach it */
export function isLoopbackAddress(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

/**
 * Who can open a page listening on `address`, in the words the event screen shows. Loopback addresses are this
 * computer only; another address is reachable by every machine that can route to it, which on a venue's network
 * means everyone on it (the interface's network is named when known).
 */
export function reachOf(address: string, interfaces: readonly NetworkInterface[]): string {
  if (isLoopbackAddress(address)) return 'Only this computer can open the page.';
  const i = interfaces.find((x) => x.address === address);
  const network = i ? `the network ${i.cidr}` : 'the network';
  return `Anyone on ${network} who can reach ${address} can open the page (and so can this computer).`;
}
