/**
 * A minimal MP4 reader: the `ftyp` brand, the movie duration (`mvhd`) and the first visual track's size
 * (`tkhd`). Enough to know the length of an uploaded source video, and for tests to check real output.
 */

export interface Mp4Info {
  brand: string;
  durationSeconds: number;
  width: number;
  height: number;
}

interface Box {
  type: string;
  start: number;
  end: number;
  body: number;
}

function* boxes(buf: Buffer, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    let size = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) return;
      size = Number(buf.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) size = end - offset;
    if (size < header || offset + size > end) return;
    yield { type, start: offset, end: offset + size, body: offset + header };
    offset += size;
  }
}

const child = (buf: Buffer, parent: Box | undefined, type: string): Box | undefined => {
  if (!parent) return undefined;
  for (const b of boxes(buf, parent.body, parent.end)) if (b.type === type) return b;
  return undefined;
};

/** Reads the info, or undefined when the bytes are not an MP4 with a `moov` box. */
export function readMp4Info(buf: Buffer): Mp4Info | undefined {
  let brand: string | undefined;
  let moov: Box | undefined;
  for (const b of boxes(buf, 0, buf.length)) {
    if (b.type === 'ftyp' && b.body + 4 <= b.end) brand = buf.toString('latin1', b.body, b.body + 4);
    if (b.type === 'moov') moov = b;
  }
  const mvhd = child(buf, moov, 'mvhd');
  if (brand === undefined || !moov || !mvhd) return undefined;
  const v1 = buf[mvhd.body] === 1;
  const timescale = buf.readUInt32BE(mvhd.body + (v1 ? 20 : 12));
  const duration = v1 ? Number(buf.readBigUInt64BE(mvhd.body + 24)) : buf.readUInt32BE(mvhd.body + 16);
  let width = 0;
  let height = 0;
  for (const trak of boxes(buf, moov.body, moov.end)) {
    if (trak.type !== 'trak') continue;
    const tkhd = child(buf, trak, 'tkhd');
    if (!tkhd) continue;
    const sizeAt = tkhd.body + (buf[tkhd.body] === 1 ? 88 : 76);
    if (sizeAt + 8 > tkhd.end) continue;
    const w = buf.readUInt32BE(sizeAt) / 65536;
    const h = buf.readUInt32BE(sizeAt + 4) / 65536;
    if (w > 0 && h > 0) {
      width = w;
      height = h;
      break;
    }
  }
  return { brand, durationSeconds: timescale > 0 ? duration / timescale : 0, width, height };
}
