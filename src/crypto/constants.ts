/** Signers whose public KeyObject is kept (about 1 KiB each); past this the least recently used goes. */
export const MAX_CACHED_PUBLIC_KEYS = 4096
