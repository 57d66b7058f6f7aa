/**
 * Readers that check icon files really are what their extension says, without an image library:
 * a PNG is decoded far enough to prove every chunk CRC is right and the pixel data inflates to the size the header
 * announces; ICO and ICNS directories are walked and their entries checked against the file length.
 */
import { crc32, inflateSync } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** samples per pixel by PNG colour type */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

/** Throws with the reason if `buf` is not a complete, valid, non-interlaced PNG. */
export function readPng(buf: Buffer): PngInfo {
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG (bad signature)');
  let offset = 8;
  let header: PngInfo | null = null;
  let interlace = 0;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < buf.length) {
    if (offset + 12 > buf.length) throw new Error(`truncated chunk at byte ${offset}`);
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > buf.length) throw new Error(`chunk ${type} runs past the end of the file`);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    const crc = buf.readUInt32BE(offset + 8 + length);
    if (crc32(buf.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`chunk ${type} has a bad CRC`);
    if (header === null && type !== 'IHDR') throw new Error('first chunk is not IHDR');
    if (type === 'IHDR') {
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        bitDepth: data[8] ?? 0,
        colorType: data[9] ?? 0,
      };
      interlace = data[12] ?? 0;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    offset = end;
  }
  if (header === null || !ended) throw new Error('missing IHDR or IEND');
  const channels = CHANNELS[header.colorType];
  if (channels === undefined) throw new Error(`unknown colour type ${header.colorType}`);
  if (interlace !== 0) throw new Error('interlaced PNGs are not checked here');
  const rowBytes = Math.ceil((header.width * channels * header.bitDepth) / 8);
  const pixels = inflateSync(Buffer.concat(idat));
  const expected = header.height * (rowBytes + 1);
  if (pixels.length !== expected) throw new Error(`pixel data is ${pixels.length} bytes, expected ${expected}`);
  return header;
}

/** Sizes (in px) of the images in a Windows .ico; throws if the directory does not fit the file. */
export function readIcoSizes(buf: Buffer): number[] {
  if (buf.length < 6 || buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) throw new Error('not an ICO');
  const count = buf.readUInt16LE(4);
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const entry = 6 + i * 16;
    if (entry + 16 > buf.length) throw new Error('ICO directory is truncated');
    const width = buf[entry] || 256; // 0 means 256
    const bytes = buf.readUInt32LE(entry + 8);
    const at = buf.readUInt32LE(entry + 12);
    if (at + bytes > buf.length) throw new Error(`ICO image ${i} runs past the end of the file`);
    sizes.push(width);
  }
  return sizes;
}

/** Element types in a macOS .icns; throws if the element lengths do not add up to the file. */
export function readIcnsTypes(buf: Buffer): string[] {
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== 'icns') throw new Error('not an ICNS');
  if (buf.readUInt32BE(4) !== buf.length) throw new Error('ICNS length field does not match the file size');
  const types: string[] = [];
  let offset = 8;
  while (offset < buf.length) {
    const type = buf.toString('latin1', offset, offset + 4);
    const length = buf.readUInt32BE(offset + 4);
    if (length < 8 || offset + length > buf.length) throw new Error(`ICNS element ${type} has a bad length`);
    types.push(type);
    offset += length;
  }
  return types;
}
