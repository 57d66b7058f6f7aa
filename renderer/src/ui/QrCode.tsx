import { memo, useEffect, useState } from 'react';
import { qrDataUrl } from '../lib/qr';

interface Props {
  /** what the code holds */
  url: string;
  /** CSS pixels, square */
  size: number;
  /** what a screen reader hears */
  alt: string;
  className?: string;
  testId?: string;
}

/**
 * A QR code as an SVG `data:` image (sharp at any size, on screen and on paper), drawn off the render path; until it
 * is ready a placeholder of the same class takes its place.
 */
export const QrCode = memo(function QrCode({ url, size, alt, className = 'qr', testId }: Props) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void qrDataUrl(url).then(
      (s) => live && setSrc(s),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return src ? (
    <img className={className} src={src} alt={alt} width={size} height={size} data-testid={testId} />
  ) : (
    <span className={`${className} qr-pending`} role="img" aria-label="QR code being drawn" />
  );
});
