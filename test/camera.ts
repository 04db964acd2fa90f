import QRCode from 'qrcode';

/**
 * A camera's still picture of a QR code, as a file Chromium's fake capture device plays
 * (`--use-file-for-fake-video-capture`): YUV4MPEG2, 640×480, 4:2:0, dark modules on white.
 */
export function qrVideo(text: string): Buffer {
  const W = 640, H = 480, scale = 8;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const luma = Buffer.alloc(W * H, 235);
  const left = (W - n * scale) >> 1, top = (H - n * scale) >> 1;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++)
      if (qr.modules.get(r, c))
        for (let dy = 0; dy < scale; dy++) luma.fill(16, (top + r * scale + dy) * W + left + c * scale, (top + r * scale + dy) * W + left + (c + 1) * scale);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, Buffer.alloc((W / 2) * (H / 2) * 2, 128)]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}
