import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { recoverRendererCrashes, type GoneDetails } from '../../electron/app/renderer-recovery';

/**
 * A crashed Electron renderer is reloaded, but not in a loop: a renderer that dies again and again within a short
 * time is given up with one message (an error box in the app). Plain Node with a fake webContents; the clock is
 * injected, so nothing sleeps.
 */
class FakeContents extends EventEmitter {
  reloads = 0;
  destroyed = false;
  reload(): void {
    this.reloads += 1;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  crash(reason = 'crashed', exitCode = 139): void {
    const details: GoneDetails = { reason, exitCode };
    this.emit('render-process-gone', {}, details);
  }
}

function setup(maxCrashes = 3, windowMs = 60_000) {
  const contents = new FakeContents();
  let t = 1_000_000;
  const logs: string[] = [];
  const boxes: string[] = [];
  const stop = recoverRendererCrashes(contents, {
    maxCrashes,
    windowMs,
    now: () => t,
    log: (l) => logs.push(l),
    giveUp: (m) => boxes.push(m),
  });
  return { contents, logs, boxes, stop, advance: (ms: number) => (t += ms) };
}

test('a crashed renderer is reloaded and the crash is logged', () => {
  const s = setup();
  s.contents.crash('oom', 0);
  assert.equal(s.contents.reloads, 1);
  assert.match(s.logs.join('\n'), /window stopped \(oom, exit code 0\); reloading it/);
  assert.deepEqual(s.boxes, []);
});

test('crashes spread out in time are each reloaded', () => {
  const s = setup();
  for (let i = 0; i < 10; i += 1) {
    s.contents.crash();
    s.advance(61_000);
  }
  assert.equal(s.contents.reloads, 10);
  assert.deepEqual(s.boxes, []);
});

test('three crashes within a minute: two reloads, then an error box once and no more reloads', () => {
  const s = setup();
  s.contents.crash();
  s.advance(5_000);
  s.contents.crash('killed', 9);
  s.advance(5_000);
  s.contents.crash('crashed', 139);
  assert.equal(s.contents.reloads, 2);
  assert.equal(s.boxes.length, 1);
  assert.match(
    s.boxes[0] ?? '',
    /window stopped \(crashed, exit code 139\), 3 times within 60 s, so it is not reloaded again/,
  );
  s.advance(120_000);
  s.contents.crash();
  assert.equal(s.contents.reloads, 2, 'no reload after giving up');
  assert.equal(s.boxes.length, 1, 'one error box');
});

test('a clean exit (the window closing) and a destroyed window are not crashes', () => {
  const s = setup();
  s.contents.crash('clean-exit', 0);
  assert.equal(s.contents.reloads, 0);
  s.contents.destroyed = true;
  s.contents.crash();
  assert.equal(s.contents.reloads, 0);
  assert.deepEqual(s.logs, []);
});

test('stop() stops watching', () => {
  const s = setup();
  s.stop();
  s.contents.crash();
  assert.equal(s.contents.reloads, 0);
  assert.equal(s.contents.listenerCount('render-process-gone'), 0);
});
