/**
 * The security headers of every response of the app (web chat, console, /healthz, errors, 404), set
 * before any route runs: a strict CSP (own scripts, styles and images only; no inline code, no
 * framing, no plugins), nosniff, no referrer leaving the site, and the rest of helmet's defaults.
 * HSTS is left to the TLS proxy in front (this server speaks plain http on its own).
 */
import helmet from 'helmet';

export const contentSecurityPolicy = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy },
    strictTransportSecurity: false,
    // Same-origin: the console's own navigation keeps its referrer; nothing reaches other sites.
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
}
