/**
 * Downloads another platform's media (a Zalo CDN link) so an adapter can upload the bytes itself:
 * with a timeout and a size cap enforced while reading (a lying or missing Content-Length cannot
 * make us hold more than the cap). The error says whether trying again can help.
 */
export type DownloadedMedia = { data: Buffer; mimeType?: string };

export type MediaFetcher = (args: { url: string }) => Promise<DownloadedMedia>;

/** Who failed: the media's host. `permanent`: the link is gone or the file too big; retrying cannot help. */
export class MediaDownloadError extends Error {
  readonly code = 'media.download_failed';
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MediaDownloadError';
  }
}

export async function downloadMedia({
  url,
  maxBytes,
  timeoutMs,
  fetchImpl = fetch,
}: {
  url: string;
  maxBytes: number;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}): Promise<DownloadedMedia> {
  const host = safeHost(url);
  if (!/^https?:$/.test(new URL(url).protocol)) throw new MediaDownloadError(`media link of ${host} is not http(s)`, true);
  let response: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetchImpl(url, { signal, redirect: 'follow' });
  } catch (error) {
    throw new MediaDownloadError(`could not reach ${host} for the media (${signal.aborted ? `no answer within ${timeoutMs} ms` : 'network error'})`, false, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    // 404/403/410: the link expired or is not ours to read; 5xx and 429 may pass.
    throw new MediaDownloadError(`${host} answered ${response.status} for the media`, response.status < 500 && response.status !== 429);
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new MediaDownloadError(`the media is ${declared} bytes, over the ${maxBytes}-byte cap`, true);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > maxBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw new MediaDownloadError(`the media is over the ${maxBytes}-byte cap`, true);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof MediaDownloadError) throw error;
    throw new MediaDownloadError(`reading the media from ${host} failed (${signal.aborted ? `no end within ${timeoutMs} ms` : 'connection lost'})`, false, { cause: error });
  }
  const mimeType = response.headers.get('content-type')?.split(';')[0]?.trim();
  return { data: Buffer.concat(chunks), ...(mimeType ? { mimeType } : {}) };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    throw new MediaDownloadError('the media link is not a URL', true);
  }
}
