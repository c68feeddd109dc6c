/**
 * The API as the executor gets it from the edge: every download (job renders, restores, renders kept
 * aside, previews) must land under the run's write roots (see state/contained.ts), checked when the
 * file lands, and each finished file is reported with its sha256 (the record `clean` needs as proof).
 */
import type { DownloadResult, PixverseApi } from './api.js';

export function boundedDownloads(api: PixverseApi, within: readonly string[], onWritten?: (file: string, result: DownloadResult) => Promise<void>): PixverseApi {
  const download: PixverseApi['download'] = async (url, dest, options = {}) => {
    const result = await api.download(url, dest, { ...options, within });
    await onWritten?.(dest, result);
    return result;
  };
  // Other members are the client's own, bound to it (it keeps private fields).
  return new Proxy(api, {
    get(target, key) {
      if (key === 'download') return download;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
