/**
 * JVM flags for a test broker on a small, shared machine: a small heap, the serial collector (no GC
 * threads fighting for 2 cores), C1 only (much faster warm-up; peak throughput is not the point),
 * no perf-data file.
 */
export function defaultJvmFlags(heapMb = 512): string[] {
  return [
    `-Xms${Math.min(128, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
  ]
}
