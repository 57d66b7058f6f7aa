import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PortalSnapshot } from '../../shared/contract';
import { waitFor } from '../support/http';
import { startTestConsole } from './web-helpers';

/**
 * `web --engine-dialect learningcenter`: the console starts its built-in engine speaking Learning Center (its demo
 * portal, with no config), and finds that out from the engine's answers as it does for any portal.
 */
test('the built-in engine started with a dialect speaks it, and the console detects it', async (t) => {
  const web = await startTestConsole({ engine: true, engineDialect: 'learningcenter' });
  t.after(() => web.close());
  const read = async () => {
    const r = await web.invoke('monitor.snapshot', {});
    const fleet = JSON.parse(r.body) as { ok: boolean; data: { portals: PortalSnapshot[] } };
    const builtin = fleet.data.portals.find((p) => p.portalId === 'builtin');
    return builtin?.status === 'live' && builtin.dialect !== null ? builtin : undefined;
  };
  const builtin = await waitFor(read, { timeoutMs: 20_000, message: 'the built-in portal live, its dialect known' });
  assert.equal(builtin.dialect, 'learningcenter');
  assert.ok(builtin.environments.length > 0);
  for (const e of builtin.environments)
    assert.deepEqual(e.workshop.labels, {}, 'Learning Center workshops have no labels');
});
