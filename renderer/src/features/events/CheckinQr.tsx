import { useEffect, useState } from 'react';
import { qrDataUrl } from '../../lib/qr';

/** The check-in page's address as a QR code (an SVG `data:` image, sharp at any size). */
export function CheckinQr({
  url,
  size,
  className = 'qr checkin-qr',
}: {
  url: string;
  size: number;
  className?: string;
}) {
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
    <img
      className={className}
      src={src}
      alt={`QR code of ${url}`}
      width={size}
      height={size}
      data-testid="checkin-qr"
    />
  ) : (
    <span className={`${className} qr-pending`} role="img" aria-label="QR code being drawn" />
  );
}
