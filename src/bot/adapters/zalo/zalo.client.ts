/**
 * The only place that constructs zca-js's `Zalo`: cookie login for the adapter and the QR flow for
 * `zalo login`. Options (zca-js 2.2.0 dist/zalo.d.ts): checkUpdate:false (it would call the npm
 * registry on every login) and logging:false (zca-js logs to the console, bypassing our masking).
 */
import { Zalo, type API, type Credentials, type LoginQRCallback } from 'zca-js';
import type { CreateZaloSession, ZaloApi, ZaloListenerPort } from './zalo.ports.js';

const ZALO_OPTIONS = { selfListen: false, checkUpdate: false, logging: false } as const;

export const createZaloSession: CreateZaloSession = async ({ credentials }) => {
  const api = await new Zalo(ZALO_OPTIONS).login(credentials as Credentials);
  const narrowed: ZaloApi = api; // compile-time proof that the real API fits the port
  return { api: narrowed, listener: wrapListener(api.listener) };
};

/** The real Listener is an EventEmitter with private members; expose only what the port declares. */
function wrapListener(listener: API['listener']): ZaloListenerPort {
  return {
    on: (event, callback) => listener.on(event, callback as never),
    start: (options) => listener.start(options),
    stop: () => listener.stop(),
  };
}

/** Runs zca-js's QR flow; resolves with the logged-in account's uid. */
export type ZaloQrLoginFn = (args: { callback: LoginQRCallback }) => Promise<{ ownId: string }>;

export const zcaQrLogin: ZaloQrLoginFn = async ({ callback }) => {
  const api = await new Zalo(ZALO_OPTIONS).loginQR({}, callback);
  return { ownId: api.getOwnId() };
};
