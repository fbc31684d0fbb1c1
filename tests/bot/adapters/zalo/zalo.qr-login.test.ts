import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoginQRCallbackEventType, ZaloApiLoginQRAborted, type LoginQRCallback } from 'zca-js';
import type { ZaloQrLoginFn } from '../../../../src/bot/adapters/zalo/zalo.client.js';
import { runZaloQrLogin, type ZaloQrLoginProgress } from '../../../../src/bot/adapters/zalo/zalo.qr-login.js';
import { qrPngToTerminalText } from '../../../../src/cli/zalo-login.command.js';
import { savedCredentials } from './zalo.fakes.js';

const QR_TEXT = 'https://id.zalo.me/account/authen/qr?code=anon-0001';

/** A real QR code PNG (what zca-js hands over in QRCodeGenerated), drawn with qrcode-terminal's encoder. */
function qrPngBase64(text: string): string {
  const QRCode = createRequire(import.meta.url)('qrcode-terminal/vendor/QRCode') as new (
    type: number,
    level: number,
  ) => { addData(t: string): void; make(): void; getModuleCount(): number; isDark(r: number, c: number): boolean };
  const qr = new QRCode(-1, 1);
  qr.addData(text);
  qr.make();
  const scale = 4;
  const margin = 4;
  const size = (qr.getModuleCount() + margin * 2) * scale;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.floor(y / scale) - margin;
      const c = Math.floor(x / scale) - margin;
      const dark = r >= 0 && c >= 0 && r < qr.getModuleCount() && c < qr.getModuleCount() && qr.isDark(r, c);
      const i = (y * size + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = dark ? 0 : 255;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png).toString('base64');
}

let dir: string;
let credentialsPath: string;
let qrImagePath: string;
let progress: ZaloQrLoginProgress[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zalo-qr-'));
  credentialsPath = join(dir, 'data', 'zalo-credentials.json');
  qrImagePath = join(dir, 'data', 'zalo-qr.png');
  progress = [];
});
afterEach(async () => {
  vi.unstubAllGlobals();
  await rm(dir, { recursive: true, force: true });
});

const run = (loginQR?: ZaloQrLoginFn) => runZaloQrLogin({ credentialsPath, qrImagePath, report: (p) => progress.push(p), ...(loginQR ? { loginQR } : {}) });

/** Mimics zca-js: retry() starts a new QR round, abort() rejects with ZaloApiLoginQRAborted. */
function fakeLoginQR(script: (callback: LoginQRCallback, actions: { retry: () => void; abort: () => void }, round: number) => void): ZaloQrLoginFn {
  return ({ callback }) =>
    new Promise((_resolve, reject) => {
      let round = 0;
      const actions = {
        retry: () => setTimeout(() => play(), 0),
        abort: () => reject(new ZaloApiLoginQRAborted()),
      };
      const play = () => {
        round += 1;
        try {
          script(callback, actions, round);
        } catch (error) {
          reject(error as Error);
        }
      };
      setTimeout(play, 0);
    });
}

const png = qrPngBase64(QR_TEXT);
const generated = (cb: LoginQRCallback, actions: { retry: () => void; abort: () => void }) =>
  cb({
    type: LoginQRCallbackEventType.QRCodeGenerated,
    data: { code: 'anon', image: png, token: 't', options: { enabledCheckOCR: false, enabledMultiLayer: false } },
    actions: { saveToFile: async () => undefined, ...actions },
  });

describe('runZaloQrLogin', () => {
  it('saves the QR PNG, reports the scan and persists the session with mode 0600', async () => {
    const loginQR: ZaloQrLoginFn = async ({ callback }) => {
      generated(callback, { retry: () => undefined, abort: () => undefined });
      callback({ type: LoginQRCallbackEventType.QRCodeScanned, data: { avatar: '', display_name: 'UBND Phường' }, actions: { retry: () => undefined, abort: () => undefined } });
      callback({
        type: LoginQRCallbackEventType.GotLoginInfo,
        data: { cookie: savedCredentials.cookie, imei: savedCredentials.imei, userAgent: savedCredentials.userAgent },
        actions: null,
      });
      return { ownId: '3105472619830012345' };
    };
    const result = await run(loginQR);
    expect(result).toEqual({ outcome: 'logged_in', ownId: '3105472619830012345', credentialsPath });
    expect(progress.map((p) => p.type)).toEqual(['scanned', 'qr', 'saved']);
    expect(progress.find((p) => p.type === 'qr')).toMatchObject({ savedTo: qrImagePath, pngBase64: png });
    expect((await readFile(qrImagePath)).toString('base64')).toBe(png);
    const saved = JSON.parse(await readFile(credentialsPath, 'utf8'));
    expect(saved).toEqual({ ...savedCredentials, language: 'vi' });
    expect((await stat(credentialsPath)).mode & 0o777).toBe(0o600);
  });

  it('fetches a new QR when one expires, and gives up with a clear message after the last one', async () => {
    const result = await run(
      fakeLoginQR((cb, actions) => {
        generated(cb, actions);
        cb({ type: LoginQRCallbackEventType.QRCodeExpired, data: null, actions });
      }),
    );
    expect(result).toMatchObject({ outcome: 'expired', message: expect.stringMatching(/hết hạn.*Chạy lại lệnh/) });
    expect(progress.filter((p) => p.type === 'expired')).toEqual([
      { type: 'expired', refreshing: true },
      { type: 'expired', refreshing: true },
      { type: 'expired', refreshing: false },
    ]);
  });

  it('a decline on the phone ends the flow (zca-js would otherwise wait forever)', async () => {
    const result = await run(
      fakeLoginQR((cb, actions) => {
        generated(cb, actions);
        cb({ type: LoginQRCallbackEventType.QRCodeDeclined, data: { code: 'anon' }, actions });
      }),
    );
    expect(result).toMatchObject({ outcome: 'declined', message: expect.stringMatching(/từ chối/) });
  });

  it('offline: one clear Vietnamese line, no stack trace', async () => {
    const result = await run(async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND id.zalo.me'), { code: 'ENOTFOUND' }) });
    });
    expect(result).toEqual({
      outcome: 'network',
      message: 'Không kết nối được tới Zalo: kiểm tra mạng Internet rồi thử lại (fetch failed: getaddrinfo ENOTFOUND id.zalo.me)',
    });
  });

  it('drives the real zca-js QR flow up to the network (fetch stubbed): QR generated and saved, then a clean failure', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      if (url.startsWith('https://id.zalo.me/account?')) {
        return new Response('<script src="https://stc-zlogin.zdn.vn/main-2.44.0.js"></script>', { status: 200 });
      }
      if (url.includes('/authen/qr/generate')) {
        return Response.json({ error_code: 0, data: { code: 'anon', image: `data:image/png;base64,${png}`, token: 't', options: {} } });
      }
      if (url.includes('/authen/qr/waiting-scan')) return Response.json({ error_code: -99, error_message: 'stubbed end' });
      return Response.json({ error_code: 0, data: {} });
    });
    const result = await run();
    expect(urls[0]).toMatch(/^https:\/\/id\.zalo\.me\/account\?/);
    expect(progress[0]).toMatchObject({ type: 'qr', savedTo: qrImagePath });
    expect(result).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/^Đăng nhập Zalo thất bại/) });
  });

  it('the real zca-js flow with the network down ends in the offline message', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo EAI_AGAIN id.zalo.me'), { code: 'EAI_AGAIN' }) });
    });
    const result = await run();
    expect(result).toMatchObject({ outcome: 'network', message: expect.stringMatching(/^Không kết nối được tới Zalo: .*EAI_AGAIN/) });
    expect(result).not.toHaveProperty('message', expect.stringContaining('\n'));
  });
});

describe('qrPngToTerminalText', () => {
  it('decodes the PNG zca-js gives and renders the same QR as terminal blocks', () => {
    const { text } = qrPngToTerminalText({ pngBase64: png });
    let expected = '';
    createRequire(import.meta.url)('qrcode-terminal').generate(QR_TEXT, { small: true }, (t: string) => (expected = t));
    expect(text).toBe(expected);
    expect(text.split('\n').length).toBeGreaterThan(10);
  });

  it('fails clearly on an image without a QR code', () => {
    const blank = new PNG({ width: 40, height: 40 });
    blank.data.fill(255);
    expect(() => qrPngToTerminalText({ pngBase64: PNG.sync.write(blank).toString('base64') })).toThrow(/no QR code/);
  });
});
