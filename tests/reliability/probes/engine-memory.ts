/**
 * Engine memory probe (run by engine-memory.test.ts in a child started with --expose-gc). The engine runs in
 * this process on loopback with a temp data folder, and sessions are created and ended over its REST API:
 *   1. 10,000 sessions allocated and kept live: heap per live session;
 *   2. those 10,000 ended and purged: the heap must fall back to the baseline;
 *   3. CHURN sessions created and ended in batches (every ended session and its anonymous user purged):
 *      the heap must not grow beyond what is live (nothing).
 * Heap figures are taken after two full collections. Prints one line: `MEMORY_RESULT <json>`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startEngine } from '../../../electron/engine/index';
import { getToken, portalConfig, robotCreds } from '../../support/engine-harness';

const LIVE = Number(process.env['MEMORY_LIVE'] ?? 10_000);
const CHURN = Number(process.env['MEMORY_CHURN'] ?? 100_000);
const BATCH = 1_000;
const CONCURRENCY = 24;
const REAL_BUDGET_MS = Number(process.env['MEMORY_REAL_BUDGET_MS'] ?? 150_000);
const ENV = 'mem-w01';

const trace = (msg: string): void => {
  if (process.env['MEMORY_TRACE']) process.stderr.write(`[memory probe] ${msg}\n`);
};

const gc = (globalThis as { gc?: () => void }).gc;

function heap(): number {
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** runs `task(i)` for i in [from, to) with at most CONCURRENCY in flight */
async function pool(from: number, to: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < to) await task(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-engine-mem-'));
  const configPath = path.join(tmp, 'portal.yaml');
  fs.writeFileSync(
    configPath,
    portalConfig({ name: 'mem', workshops: [{ name: 'lab-mem', capacity: LIVE + BATCH, reserved: 0, expires: '8h' }] }),
  );
  const engine = await startEngine({
    dataDir: path.join(tmp, 'data'),
    configPath,
    host: '127.0.0.1',
    port: 0,
    purgeAfterMs: 0,
  });
  const token = await getToken(engine.url, robotCreds(engine.credentials));
  const headers = { authorization: `Bearer ${token}` };
  const started = Date.now();
  let errors = 0;

  const allocate = async (user: string): Promise<string | null> => {
    const res = await fetch(
      `${engine.url}/workshops/environment/${ENV}/request/?index_url=https%3A%2F%2Fhub.test%2F&user=${user}&timeout=0`,
      { headers },
    );
    const body = await res.text();
    if (res.status !== 200) {
      errors++;
      return null;
    }
    return (JSON.parse(body) as { name: string }).name;
  };
  const terminate = async (session: string): Promise<void> => {
    const res = await fetch(`${engine.url}/workshops/session/${session}/terminate/`, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) errors++;
  };
  const allocatedNow = async (): Promise<number> => {
    const res = await fetch(`${engine.url}/workshops/environment/${ENV}/status/`, { headers });
    return ((await res.json()) as { allocated: number }).allocated;
  };
  /** the rows left in SQLite; read once the engine is closed (it holds the database exclusively while it runs) */
  const dbCounts = (): { sessions: number; users: number } => {
    const db = new Database(path.join(tmp, 'data', 'portal.db'), { readonly: true });
    try {
      const sessions = (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
      const users = (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
      return { sessions, users };
    } finally {
      db.close();
    }
  };
  /**
   * waits (bounded) until everything ended has been stopped; the purge of STOPPED rows (purgeAfterMs 0) follows on
   * the engine's next deadline tick, so a short settle lets it run before the heap is measured
   */
  const drained = async (): Promise<boolean> => {
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      if ((await allocatedNow()) === 0) {
        await new Promise((r) => setTimeout(r, 500));
        return true;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };

  // warm-up: one batch through the whole life cycle, so JIT and pools are settled before the baseline
  const warm: string[] = [];
  await pool(0, 200, async (i) => {
    const s = await allocate(`warm-${i}`);
    if (s) warm.push(s);
  });
  await pool(0, warm.length, async (i) => terminate(warm[i] ?? ''));
  trace(`warm-up allocated ${warm.length}`);
  const warmDrained = await drained();
  trace(`warm-up drained ${warmDrained}`);
  const heapBase = heap();

  // 1. live sessions
  const live: string[] = [];
  const tLive = Date.now();
  await pool(0, LIVE, async (i) => {
    const s = await allocate(`live-${i}`);
    if (s) live.push(s);
  });
  const liveMs = Date.now() - tLive;
  trace(`live ${live.length} in ${liveMs} ms`);
  const heapLive = heap();
  const liveAllocated = await allocatedNow();

  // 2. end them all
  await pool(0, live.length, async (i) => terminate(live[i] ?? ''));
  const liveDrained = await drained();
  trace(`live drained ${liveDrained}`);
  const heapAfterLive = heap();

  // 3. churn, bounded by count and by wall-clock time
  let churned = 0;
  const tChurn = Date.now();
  let mid = 0;
  while (churned < CHURN && Date.now() - started < REAL_BUDGET_MS) {
    const batch: string[] = [];
    await pool(churned, churned + BATCH, async (i) => {
      const s = await allocate(`churn-${i}`);
      if (s) batch.push(s);
    });
    await pool(0, batch.length, async (i) => terminate(batch[i] ?? ''));
    churned += BATCH;
    trace(`churned ${churned}`);
    if (mid === 0 && churned >= CHURN / 2) mid = heap();
  }
  const churnDrained = await drained();
  const churnMs = Date.now() - tChurn;
  const heapEnd = heap();
  const rss = process.memoryUsage().rss;
  await engine.close();
  const counts = dbCounts();
  const dbBytes = fs.statSync(path.join(tmp, 'data', 'portal.db')).size;
  const result = {
    live: live.length,
    liveAllocated,
    liveMs,
    churned,
    churnMs,
    errors,
    warmDrained,
    liveDrained,
    churnDrained,
    heapBase,
    heapLive,
    heapAfterLive,
    heapMid: mid,
    heapEnd,
    bytesPerLiveSession: (heapLive - heapBase) / Math.max(1, live.length),
    dbSessions: counts.sessions,
    dbUsers: counts.users,
    dbBytes,
    rss,
  };
  fs.rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(`MEMORY_RESULT ${JSON.stringify(result)}\n`);
  // The engine is closed; exit explicitly so a stray timer cannot hold the probe (and the suite) open.
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`engine memory probe failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  // the engine may still be listening: exit now rather than hold the suite until its timeout
  process.exit(1);
});
