/**
 * Media a channel keeps itself (a photo a resident uploaded in the web chat), loadable by another
 * channel's adapter so it can upload it to its platform (the staff group). Refs look like
 * "web-upload:17": opaque, and only the store that issued them can load them.
 */
export type LoadedMedia = { data: Buffer; fileName: string; mimeType: string };

/** Resolves a media ref to its bytes; undefined when the ref is not this store's or is gone (erased). */
export type MediaLoader = (args: { ref: string }) => Promise<LoadedMedia | undefined>;
