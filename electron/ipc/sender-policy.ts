/**
 * Which frames may call the console over IPC. Only the app's own page may: a frame showing anything else
 * (a page reached through a bug in navigation blocking, an injected iframe) gets `forbidden`. Threat: remote
 * or injected content driving privileged calls such as sessions.terminate or reading portal data.
 */
export interface SenderPolicyOptions {
  /** the renderer's own page, e.g. `file:///…/dist/renderer/index.html` */
  rendererUrl: string;
  /** a development server origin (vite), only when running unpackaged */
  devServerUrl?: string | null;
}

export type SenderCheck = (frameUrl: string | null | undefined) => boolean;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function createSenderCheck(options: SenderPolicyOptions): SenderCheck {
  const own = parse(options.rendererUrl);
  if (!own || own.protocol !== 'file:') throw new Error('the renderer URL must be a file:// URL');
  const dev = options.devServerUrl ? parse(options.devServerUrl) : null;
  if (options.devServerUrl && (!dev || !/^https?:$/.test(dev.protocol))) {
    throw new Error('the development server URL must be http(s)');
  }
  // Threat: a stray PORTAL_CONSOLE_DEV_URL pointing the window, and the trust of its IPC, at a remote site.
  if (dev && !/^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(dev.hostname)) {
    throw new Error('the development server must be on this machine (localhost, 127.x.x.x or [::1])');
  }

  return (frameUrl) => {
    if (typeof frameUrl !== 'string' || frameUrl === '') return false;
    const url = parse(frameUrl);
    if (!url) return false;
    // The hash is the renderer's own routing state; everything before it must be exactly the app's page.
    if (url.protocol === 'file:') {
      return url.host === own.host && url.pathname === own.pathname && url.search === '';
    }
    if (dev) return url.origin === dev.origin;
    return false;
  };
}
