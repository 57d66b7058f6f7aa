import { useState } from 'react';
import type { MethodInput, PortalInput, PortalUpdate, PortalView } from '../../../../shared/contract';
import { invoke } from '../../lib/api';
import { useApp } from '../../store/use-app';
import {
  checkEdit,
  checkNew,
  duplicatesOf,
  humanizeMessage,
  touchesConnection,
  type Draft,
  type FieldError,
} from './portal-draft';

export type PendingSave = { kind: 'add'; input: PortalInput } | { kind: 'edit'; input: PortalUpdate };

export interface PortalSave {
  errors: FieldError[];
  /** the last connection test's result, in words */
  test: string | null;
  /** problems found before saving (failed test, same URL as another portal): the person decides */
  check: { reasons: string[]; pending: PendingSave } | null;
  busy: boolean;
  /** validates, tests the connection, looks for duplicates; saves at once when nothing was found */
  save(d: Draft): Promise<void>;
  /** saves what the check held back ("Save anyway") */
  commit(p: PendingSave): Promise<void>;
  runTest(d: Draft): Promise<void>;
  /** forgets errors, test results and held-back saves (the draft changed) */
  reset(): void;
  dismissCheck(): void;
}

/**
 * The portal form's workflow: check the draft, test the connection, look for another portal with the same URL,
 * then add or update. Kept out of the form so that the form only renders.
 */
export function usePortalSave(portal: PortalView | null, onDone: (saved: PortalView | null) => void): PortalSave {
  const portals = useApp((s) => s.portals);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [test, setTest] = useState<string | null>(null);
  const [check, setCheck] = useState<PortalSave['check']>(null);
  const [busy, setBusy] = useState(false);
  const editing = portal !== null;
  const fail = (message: string) => setErrors([{ field: null, message: humanizeMessage(message) }]);

  const checked = (d: Draft): PendingSave | null => {
    const r = editing ? checkEdit(d, portal) : checkNew(d);
    if (!r.ok) {
      setErrors(r.errors);
      return null;
    }
    return editing ? { kind: 'edit', input: r.value as PortalUpdate } : { kind: 'add', input: r.value as PortalInput };
  };

  const testInput = (p: PendingSave): MethodInput<'portals.test'> | null => {
    if (p.kind === 'add') return { draft: p.input };
    if (portal && touchesConnection(p.input)) {
      const { id: _id, ...changes } = p.input;
      return { id: portal.id, changes };
    }
    return null;
  };

  const commit = async (p: PendingSave) => {
    setBusy(true);
    const r = p.kind === 'add' ? await invoke('portals.add', p.input) : await invoke('portals.update', p.input);
    setBusy(false);
    if (r.ok) onDone(r.data);
    else {
      setCheck(null);
      fail(r.error.message);
    }
  };

  const save = async (d: Draft) => {
    setErrors([]);
    setCheck(null);
    const p = checked(d);
    if (!p) return;
    const reasons: string[] = [];
    const url = p.input.baseUrl;
    if (url !== undefined) {
      for (const other of duplicatesOf(url, portals, portal?.id ?? null)) {
        reasons.push(`“${other.label}” already uses this portal URL (${other.baseUrl}).`);
      }
    }
    const input = testInput(p);
    if (input) {
      setBusy(true);
      const r = await invoke('portals.test', input);
      setBusy(false);
      if (!r.ok) return fail(r.error.message);
      if (!r.data.ok) reasons.push(`The connection test failed: ${r.data.message}.`);
    }
    if (reasons.length > 0) setCheck({ reasons, pending: p });
    else await commit(p);
  };

  const runTest = async (d: Draft) => {
    setTest(null);
    setErrors([]);
    if (!editing && (!d.clientSecret || !d.password)) {
      setTest('Enter the client secret and password to test a new portal.');
      return;
    }
    const p = checked(d);
    if (!p) return;
    const input = testInput(p) ?? { id: (portal as PortalView).id };
    setBusy(true);
    const r = await invoke('portals.test', input);
    setBusy(false);
    if (r.ok)
      setTest(
        r.data.ok
          ? `Connected to ${r.data.portalName ?? 'the portal'} in ${Math.round(r.data.latencyMs)} ms`
          : `Test failed: ${r.data.message}`,
      );
    else setTest(`Test failed: ${humanizeMessage(r.error.message)}`);
  };

  const reset = () => {
    setErrors([]);
    setTest(null);
    setCheck(null);
  };

  return { errors, test, check, busy, save, commit, runTest, reset, dismissCheck: () => setCheck(null) };
}
