import type { CheckinMode } from '../../../shared/contract';
import type { Db } from '../console-db';

/** One event's check-in settings as console.db keeps them (the `checkin` table). */
export interface CheckinSettings {
  eventId: string;
  mode: CheckinMode;
  code: string | null;
  /** it was running when last asked: a restart of the console starts it again */
  wanted: boolean;
  address: string;
  /** chosen at the first start, then kept (null until then) */
  port: number | null;
}

interface Row {
  event_id: string;
  mode: string;
  code: string | null;
  wanted: number;
  address: string;
  port: number | null;
}

const toSettings = (r: Row): CheckinSettings => ({
  eventId: r.event_id,
  mode: r.mode === 'listed' ? 'listed' : 'code',
  code: r.code,
  wanted: r.wanted === 1,
  address: r.address,
  port: r.port,
});

/** the check-in tables of console.db; every write is one statement, committed when it returns */
export class CheckinStore {
  private readonly st;

  constructor(
    db: Db,
    private readonly now: () => number,
  ) {
    this.st = {
      get: db.prepare<[string], Row>('SELECT * FROM checkin WHERE event_id = ?'),
      wanted: db.prepare<[], Row>('SELECT * FROM checkin WHERE wanted = 1'),
      put: db.prepare(
        `INSERT INTO checkin (event_id, mode, code, wanted, address, port, updated_at)
         VALUES (@eventId, @mode, @code, @wanted, @address, @port, @updatedAt)
         ON CONFLICT (event_id) DO UPDATE SET mode = @mode, code = @code, wanted = @wanted, address = @address,
           port = @port, updated_at = @updatedAt`,
      ),
      gate: db.prepare<[string], { port: number }>('SELECT port FROM checkin_gates WHERE address = ?'),
      putGate: db.prepare(
        'INSERT INTO checkin_gates (address, port) VALUES (?, ?) ' +
          'ON CONFLICT (address) DO UPDATE SET port = excluded.port',
      ),
    };
  }

  /** the event's settings; the defaults (off, anyone with the code, no code, this computer) until first changed */
  get(eventId: string): CheckinSettings {
    const r = this.st.get.get(eventId);
    return r ? toSettings(r) : { eventId, mode: 'code', code: null, wanted: false, address: '127.0.0.1', port: null };
  }

  wanted(): CheckinSettings[] {
    return this.st.wanted.all().map(toSettings);
  }

  put(s: CheckinSettings): void {
    this.st.put.run({ ...s, wanted: s.wanted ? 1 : 0, updatedAt: this.now() });
  }

  gatePort(address: string): number | null {
    return this.st.gate.get(address)?.port ?? null;
  }

  putGatePort(address: string, port: number): void {
    this.st.putGate.run(address, port);
  }
}
