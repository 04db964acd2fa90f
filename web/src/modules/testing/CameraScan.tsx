import { useEffect, useRef, useState } from 'react';
import { Alert, Modal } from 'antd';
import { useTranslation } from 'react-i18next';

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (o?: { formats: string[] }) => Detector;
  }
}

const FORMATS = ['qr_code', 'code_128', 'code_39', 'ean_13'] as const;

/** ZXing compiled to WebAssembly, and the address of its .wasm: served by Bastion, never a CDN. */
const zxingReader = () => Promise.all([import('barcode-detector/ponyfill'), import('zxing-wasm/reader/zxing_reader.wasm?url').then((m) => m.default)]);

/** The browser's BarcodeDetector (Chrome on Android), or else ZXing (iPhones, desktops). */
async function barcodeDetector(): Promise<Detector> {
  if (window.BarcodeDetector) return new window.BarcodeDetector({ formats: [...FORMATS] });
  const [{ BarcodeDetector, prepareZXingModule }, wasm] = await zxingReader();
  prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasm : prefix + path) } });
  return new BarcodeDetector({ formats: [...FORMATS] });
}

/** Fetched with the station page, so that the service worker keeps it: a station that goes offline before its first camera scan still reads codes. */
export function prefetchBarcodeReader() {
  if (window.BarcodeDetector || !navigator.mediaDevices) return;
  void zxingReader().then(([, wasm]) => fetch(wasm)).catch(() => {});
}

/** Reads a QR code or a tube's barcode with the device camera. */
export function CameraScan({ onCode, onClose }: { onCode: (text: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let stop = false;
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        video.current!.srcObject = stream;
        await video.current!.play();
        const detector = await barcodeDetector();
        while (!stop) {
          const [hit] = await detector.detect(video.current!);
          if (hit) return onCode(hit.rawValue);
          await new Promise((r) => setTimeout(r, 150));
        }
      } catch (e) {
        setError((e as Error).message);
      }
    })();
    return () => {
      stop = true;
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [onCode]);
  return (
    <Modal open footer={null} onCancel={onClose} title={t('station.camera')} destroyOnHidden>
      {error ? <Alert type="error" title={error} /> : <video ref={video} style={{ width: '100%' }} muted playsInline />}
    </Modal>
  );
}
