/**
 * `npm run cli -- zalo login`: connects the bot's Zalo account by QR code. The QR is printed in the
 * terminal and saved as a PNG next to the session file; the session is saved (mode 0600) to
 * ZALO_CREDENTIALS_PATH, where the running bot picks it up without a restart.
 * Every way this can end prints one clear line; offline it says so instead of a stack trace.
 */
import { dirname, join } from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import qrcode from 'qrcode-terminal';
import { runZaloQrLogin, type ZaloQrLoginProgress } from '../bot/adapters/zalo/zalo.qr-login.js';
import { ConfigError, loadConfig } from '../config.js';

const USAGE = 'Usage: npm run cli -- zalo login';

export async function run(args: string[]): Promise<number> {
  if (args[0] !== 'login' || args.length > 1) {
    console.error(args[0] ? `Unknown zalo subcommand "${args.join(' ')}".\n${USAGE}` : USAGE);
    return 2;
  }
  let credentialsPath: string;
  try {
    credentialsPath = loadConfig().zalo.credentialsPath;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  const qrImagePath = join(dirname(credentialsPath), 'zalo-qr.png');

  console.log('Đang kết nối tới Zalo để lấy mã QR… (Connecting to Zalo for a QR code…)');
  const result = await runZaloQrLogin({ credentialsPath, qrImagePath, report: printProgress });

  if (result.outcome === 'logged_in') {
    console.log(
      [
        '',
        `✅ Đã đăng nhập Zalo${result.ownId ? ` (uid ${result.ownId})` : ''}. Phiên đăng nhập được lưu tại ${result.credentialsPath} (chỉ chủ máy đọc được).`,
        `   Logged in${result.ownId ? ` as ${result.ownId}` : ''}; session saved to ${result.credentialsPath} (mode 0600). Keep this file secret.`,
        '   Bật ZALO_ENABLED=true rồi khởi động bot (npm start). Bot đang chạy sẽ tự nhận phiên mới.',
        '   Set ZALO_ENABLED=true and start the bot (npm start); a running bot picks the new session up by itself.',
        '   Lưu ý: không mở tài khoản này trên Zalo Web/PC, nếu không bot sẽ bị đăng xuất.',
        '   Note: do not open this account on Zalo Web/PC, or the bot is logged out.',
      ].join('\n'),
    );
    return 0;
  }
  console.error(result.message);
  return 1;
}

function printProgress(progress: ZaloQrLoginProgress): void {
  switch (progress.type) {
    case 'qr':
      console.log(
        [
          '',
          'Mở Zalo trên điện thoại của tài khoản bot → biểu tượng QR (góc trên) → quét mã dưới đây, rồi bấm "Đăng nhập".',
          'On the phone of the bot\'s Zalo account: open Zalo → QR scanner (top bar) → scan the code below, then confirm.',
          '',
        ].join('\n'),
      );
      printQrInTerminal(progress.pngBase64);
      if (progress.savedTo) {
        console.log(`Ảnh mã QR cũng được lưu tại / The QR image is also saved at: ${progress.savedTo}`);
      }
      console.log('Mã có hiệu lực khoảng 100 giây. (The code is valid for about 100 seconds.)');
      return;
    case 'expired':
      console.log(
        progress.refreshing
          ? 'Mã QR đã hết hạn, đang lấy mã mới… (QR expired, fetching a new one…)'
          : 'Mã QR đã hết hạn. (QR expired.)',
      );
      return;
    case 'scanned':
      console.log(`Đã quét bởi "${progress.displayName}". Hãy bấm xác nhận trên điện thoại. (Scanned; confirm on the phone.)`);
      return;
    case 'saved':
      console.log(`Đã lưu phiên đăng nhập / Session saved: ${progress.path}`);
      return;
  }
}

/** Decodes the PNG zca-js gives us and re-renders it as terminal blocks (exported for tests). */
export function qrPngToTerminalText({ pngBase64 }: { pngBase64: string }): { text: string } {
  const png = PNG.sync.read(Buffer.from(pngBase64, 'base64'));
  const decoded = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!decoded) throw new Error('no QR code found in the image');
  let text = '';
  qrcode.generate(decoded.data, { small: true }, (rendered) => (text = rendered));
  return { text };
}

/** Falls back to pointing at the saved PNG when the terminal rendering fails. */
function printQrInTerminal(pngBase64: string): void {
  try {
    console.log(qrPngToTerminalText({ pngBase64 }).text);
  } catch (error) {
    console.log(`(Không hiển thị được mã QR trong terminal: ${(error as Error).message}; hãy mở ảnh PNG.)`);
  }
}
