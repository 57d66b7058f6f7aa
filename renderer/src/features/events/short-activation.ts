import type { ApiError } from '../../../../shared/contract';

/**
 * The console refuses to allocate on a portal that ignores the activation window (Learning Center: every link dies
 * 60 s after it was requested) unless the facilitator confirms; its refusal is a `conflict` that says why. Other
 * conflicts (a run already going, an archived event) cannot be confirmed away.
 */
export function isShortActivationRefusal(error: ApiError): boolean {
  return error.code === 'conflict' && /ignores the activation window|Learning Center/i.test(error.message);
}
