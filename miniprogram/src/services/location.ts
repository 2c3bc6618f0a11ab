import Taro from '@tarojs/taro';

export interface Place {
  lat: number;
  lng: number;
  address?: string;
}

/**
 * The device's position, asked for only when the user needs it (on opening 随手拍 or pressing
 * 定位). WeChat shows its privacy guide and permission prompt here; the browser asks likewise.
 * WeChat's map uses GCJ-02; the browser gives WGS-84 (the difference is a few hundred metres).
 */
export async function locate(): Promise<Place> {
  const res = await Taro.getLocation({
    type: process.env.TARO_ENV === 'h5' ? 'wgs84' : 'gcj02',
    isHighAccuracy: true,
    highAccuracyExpireTime: 8000,
  });
  return { lat: round(res.latitude), lng: round(res.longitude) };
}

/** WeChat's map picker: move the pin, search a place. Only in the weapp build. */
export async function pickOnMap(near?: Place): Promise<Place | undefined> {
  if (process.env.TARO_ENV === 'h5') return undefined;
  const res = await Taro.chooseLocation(near ? { latitude: near.lat, longitude: near.lng } : {});
  if (!res.latitude && !res.longitude) return undefined;
  return { lat: round(res.latitude), lng: round(res.longitude), address: res.address || res.name || undefined };
}

/** Open the system map with a route to a place (WeChat's built-in map; a map site in the browser). */
export function openRoute(to: Place & { name: string }): void {
  if (process.env.TARO_ENV === 'h5') {
    const url = `https://uri.amap.com/navigation?to=${to.lng},${to.lat},${encodeURIComponent(to.name)}&mode=walk&coordinate=wgs84`;
    window.open(url, '_blank');
    return;
  }
  void Taro.openLocation({ latitude: to.lat, longitude: to.lng, name: to.name, address: to.address ?? '', scale: 16 });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Parse a typed coordinate; undefined if it is not a number in range. */
export function parseCoord(text: string, kind: 'lat' | 'lng'): number | undefined {
  const n = Number(text.trim());
  if (!text.trim() || !Number.isFinite(n)) return undefined;
  const limit = kind === 'lat' ? 90 : 180;
  return Math.abs(n) <= limit ? n : undefined;
}
