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

/**
 * The browser's BarcodeDetector (Chrome on Android), or else ZXing compiled to WebAssembly
 * (iPhones, desktops): loaded only when a camera is first opened, from this server, never a CDN,
 * so that once fetched the service worker keeps it for a station offline.
 */
async function barcodeDetector(): Promise<Detector> {
  if (window.BarcodeDetector) return new window.BarcodeDetector({ formats: [...FORMATS] });
  const [{ BarcodeDetector, prepareZXingModule }, { default: wasm }] = await Promise.all([import('barcode-detector/ponyfill'), import('zxing-wasm/reader/zxing_reader.wasm?url')]);
  prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasm : prefix + path) } });
  return new BarcodeDetector({ formats: [...FORMATS] });
}

/** Fetched ahead by the station page (the service worker keeps what is fetched): a station that goes offline before its first camera scan still has its reader. */
export function prefetchBarcodeReader() {
  if (window.BarcodeDetector || !navigator.mediaDevices) return;
  void Promise.all([import('barcode-detector/ponyfill'), import('zxing-wasm/reader/zxing_reader.wasm?url').then(({ default: wasm }) => fetch(wasm))]).catch(() => {});
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
