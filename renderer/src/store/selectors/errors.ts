import type { ApiError } from '../../../../shared/contract';

/** Plain words for the errors a session request can end in; anything else shows the console's own message. */
export function allocationErrorMessage(error: ApiError): string {
  switch (error.code) {
    case 'no-capacity':
      return 'No capacity left: this workshop environment has no free session. Free one up or raise its capacity.';
    case 'user-cap':
      return 'This user already has as many sessions as the portal allows. End one of their sessions first.';
    case 'unknown-workshop':
      return 'The portal does not know this workshop environment (it may have been removed or replaced).';
    case 'portal-unreachable':
    case 'portal-timeout':
      return 'The portal could not be reached. Check that it is up and the network is working, then try again.';
    case 'credentials-rejected':
      return 'The portal refused the console’s credentials. Update them on the Portals screen.';
    case 'invalid-input':
      return `Check the form: ${error.message}`;
    default:
      return error.message || error.code;
  }
}
