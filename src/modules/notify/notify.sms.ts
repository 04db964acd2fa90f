/** How many SMS parts a text takes: UCS-2 (any Chinese) 70 alone, 67 per part; GSM-7 160 alone, 153 per part. */
export function smsParts(body: string): number {
  const chars = [...body].length;
  const gsm = /^[\x20-\x7e\n\r]*$/.test(body);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return chars <= single ? 1 : Math.ceil(chars / multi);
}

/** Mainland mobile numbers only: what the gateways here deliver to. */
export const isMobile = (phone: string) => /^1[3-9]\d{9}$/.test(phone);
