/**
 * The QR login flow behind `npm run cli -- zalo login`, independent of the terminal: it drives
 * zca-js's loginQR callback, saves the QR PNG, persists the session (mode 0600) and reports
 * progress through `report`. Returns an outcome instead of throwing, so the command can print one
 * clear line for each way it can end.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LoginQRCallbackEventType, type LoginQRCallbackEvent } from 'zca-js';
import { zcaQrLogin, type ZaloQrLoginFn } from './zalo.client.js';
import { saveZaloCredentials } from './zalo.credentials.js';
import { isNetworkError } from './zalo.errors.js';

export type ZaloQrLoginProgress =
  | { type: 'qr'; pngBase64: string; savedTo: string }
  | { type: 'expired'; refreshing: boolean }
  | { type: 'scanned'; displayName: string }
  | { type: 'saved'; path: string };

export type ZaloQrLoginOutcome =
  | { outcome: 'logged_in'; ownId: string; credentialsPath: string }
  | { outcome: 'expired' | 'declined' | 'aborted' | 'network' | 'failed'; message: string };

export async function runZaloQrLogin({
  credentialsPath,
  qrImagePath,
  report,
  loginQR = zcaQrLogin,
  maxQrRefreshes = 2,
}: {
  credentialsPath: string;
  qrImagePath: string;
  report: (progress: ZaloQrLoginProgress) => void;
  loginQR?: ZaloQrLoginFn;
  /** A QR code lives about 100 s; after this many fresh codes the flow gives up. */
  maxQrRefreshes?: number;
}): Promise<ZaloQrLoginOutcome> {
  let refreshes = 0;
  let ending: 'expired' | 'declined' | undefined;
  let saving: Promise<void> | undefined;
  const pending: Array<Promise<unknown>> = [];

  const callback = (event: LoginQRCallbackEvent): void => {
    switch (event.type) {
      case LoginQRCallbackEventType.QRCodeGenerated: {
        const pngBase64 = event.data.image;
        pending.push(
          writeQrImage({ path: qrImagePath, pngBase64 }).then(
            () => report({ type: 'qr', pngBase64, savedTo: qrImagePath }),
            () => report({ type: 'qr', pngBase64, savedTo: '' }),
          ),
        );
        return;
      }
      case LoginQRCallbackEventType.QRCodeExpired:
        if (refreshes < maxQrRefreshes) {
          refreshes += 1;
          report({ type: 'expired', refreshing: true });
          event.actions.retry();
        } else {
          ending = 'expired';
          report({ type: 'expired', refreshing: false });
          event.actions.abort();
        }
        return;
      case LoginQRCallbackEventType.QRCodeScanned:
        report({ type: 'scanned', displayName: event.data.display_name });
        return;
      case LoginQRCallbackEventType.QRCodeDeclined:
        // zca-js waits forever after a decline unless told to retry or abort.
        ending = 'declined';
        event.actions.abort();
        return;
      case LoginQRCallbackEventType.GotLoginInfo:
        saving = saveZaloCredentials({
          path: credentialsPath,
          credentials: { cookie: event.data.cookie, imei: event.data.imei, userAgent: event.data.userAgent, language: 'vi' },
        }).then(() => report({ type: 'saved', path: credentialsPath }));
        saving.catch(() => undefined); // awaited below; this only prevents an early unhandled rejection
        return;
    }
  };

  try {
    const { ownId } = await loginQR({ callback });
    await Promise.all(pending);
    if (!saving) return { outcome: 'failed', message: 'Zalo logged in but sent no session to save; run the command again.' };
    await saving;
    return { outcome: 'logged_in', ownId, credentialsPath };
  } catch (error) {
    await Promise.allSettled(pending);
    if (ending === 'declined') return { outcome: 'declined', message: 'Đăng nhập bị từ chối trên điện thoại (login declined on the phone).' };
    if (ending === 'expired') return { outcome: 'expired', message: 'Mã QR đã hết hạn mà chưa được quét (QR code expired). Chạy lại lệnh để lấy mã mới.' };
    // The session may already be saved when only the final cookie login failed (network drop).
    if (saving) {
      const saved = await saving.then(
        () => true,
        () => false,
      );
      if (saved) return { outcome: 'logged_in', ownId: '', credentialsPath };
    }
    const reason = error instanceof Error ? error.message : String(error);
    if (isNetworkError(error)) {
      const cause = (error as Error).cause;
      const detail = cause instanceof Error && cause.message && cause.message !== reason ? `${reason}: ${cause.message}` : reason;
      return { outcome: 'network', message: `Không kết nối được tới Zalo: kiểm tra mạng Internet rồi thử lại (${detail})` };
    }
    if (error instanceof Error && error.name === 'ZaloApiLoginQRAborted') {
      return { outcome: 'aborted', message: 'Đã huỷ đăng nhập Zalo (login aborted).' };
    }
    return { outcome: 'failed', message: `Đăng nhập Zalo thất bại (Zalo login failed): ${firstLine(reason)}` };
  }
}

async function writeQrImage({ path, pngBase64 }: { path: string; pngBase64: string }): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, Buffer.from(pngBase64, 'base64'));
}

/** zca-js puts whole JSON responses into some messages; one line is enough for an operator. */
function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 200);
}
