import { navigate } from '../../lib/router';

/**
 * Opens presenter mode full screen. Fullscreen needs the click that asked for it, so it is requested here rather
 * than by the presenter screen; where it is refused (an iframe, a kiosk) the screen still shows, in the window.
 */
export async function enterPresenter(): Promise<void> {
  navigate({ name: 'present' });
  try {
    if (!document.fullscreenElement) await document.documentElement.requestFullscreen();
  } catch {
    // refused: the presenter screen fills the window instead
  }
}

export async function leavePresenter(): Promise<void> {
  if (document.fullscreenElement) {
    try {
      await document.exitFullscreen();
    } catch {
      // already left
    }
  }
  navigate({ name: 'fleet' });
}
