// How sizes and durations read in every message and report: one formatter each, so that the same figure never
// reads two ways.

const oneDecimal = (x: number) => String(Number(x.toFixed(1)));

/** 512 → "512 bytes", 1536 → "1.5 KiB", 7878558924 → "7.3 GiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${oneDecimal(n / 1024 ** 3)} GiB`;
  if (n >= 1024 ** 2) return `${oneDecimal(n / 1024 ** 2)} MiB`;
  if (n >= 1024) return `${oneDecimal(n / 1024)} KiB`;
  const whole = Math.round(n);
  return `${whole} byte${whole === 1 ? '' : 's'}`;
}

/** 30000 → "30 s", 1500 → "1.5 s", 250 → "250 ms", 90000 → "90 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${oneDecimal(ms / 1000)} s`;
}
