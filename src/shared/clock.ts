// A monotonic clock in milliseconds. Not performance.now(): Node loads perf_hooks the first time that global is
// touched, which a check would pay for before its request is on the wire.
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
