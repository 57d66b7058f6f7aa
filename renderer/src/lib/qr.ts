import QRCode from 'qrcode';

const MAX_CACHED = 5000;
const cache = new Map<string, Promise<string>>();

/**
 * A QR code of `text` as an SVG `data:` URL for an `<img>`: the CSP allows `img-src data:`, and an image needs no
 * inline style or script; SVG stays sharp at any print size. Codes are cached per text, so a re-render of a
 * 2,000-card handout does not compute them again.
 */
export function qrDataUrl(text: string): Promise<string> {
  let p = cache.get(text);
  if (!p) {
    if (cache.size >= MAX_CACHED) cache.clear();
    p = QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(
      (svg) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`,
    );
    // a failure is not kept: the next render tries again
    p.catch(() => cache.delete(text));
    cache.set(text, p);
  }
  return p;
}
