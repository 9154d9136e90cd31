/** Browser downloads of files the API answers. */

/** The file name of a Content-Disposition header: `filename*` (RFC 5987, UTF-8 percent-encoded) first, else `filename`, else `fallback`. */
export function dispositionFileName(header: string | null, fallback: string): string {
  const extended = /filename\*=UTF-8''([^;\s]+)/i.exec(header ?? '');
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!);
    } catch {
      // A malformed escape: the plain name below is the server's own fallback.
    }
  }
  return /filename="([^"]+)"/i.exec(header ?? '')?.[1] ?? fallback;
}
