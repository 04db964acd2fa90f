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

/** Reads a QR code or a tube's barcode with the device camera (the browser's BarcodeDetector). */
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
        const detector = new window.BarcodeDetector!({ formats: ['qr_code', 'code_128', 'code_39', 'ean_13'] });
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
