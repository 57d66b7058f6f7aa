import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qrDataUrl } from './qr';

test('a QR code is an SVG data: URL of black modules on white, the same object for the same text', async () => {
  const url = 'http://127.0.0.1:4123/workshops/session/lab-w01-s001/activate/?token=abc&index_url=x';
  const a = await qrDataUrl(url);
  assert.match(a, /^data:image\/svg\+xml;charset=utf-8,/);
  const svg = decodeURIComponent(a.slice(a.indexOf(',') + 1));
  assert.match(svg, /^<svg[^>]*viewBox="0 0 (\d+) \1"/);
  assert.match(svg, /stroke="#000000"/);
  assert.doesNotMatch(svg, /style=|<script/i, 'nothing the CSP would block');
  assert.equal(qrDataUrl(url), qrDataUrl(url));
  assert.notEqual(await qrDataUrl(`${url}2`), a);
});
