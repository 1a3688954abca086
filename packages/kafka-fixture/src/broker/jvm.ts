/**
 * JVM flags for a test broker on a small, shared machine: a small heap, the serial collector (no GC
 * threads fighting for 2 cores), C1 only (much faster warm-up; peak throughput is not the point),
 * no perf-data file. C1 compiles a method after 2 000 calls instead of 200: half of a start's C1
 * compile time went to methods run a few hundred times during start-up only (measured on Java 25: the
 * compiler thread's CPU at ready 510 → 210 ms, a 3-node start ~10 % less CPU per node). The young generation is sized so that a start (~60 MB of short-lived
 * allocations) runs without the two young collections a 128 MB heap's default 42 MB young
 * generation takes; pages are only committed when touched. `nodes`: how many brokers the JVM runs
 * (`sharedJvm`), each with its share of the young generation and initial heap.
 */
export function defaultJvmFlags(heapMb = 512, nodes = 1): string[] {
  const young = Math.min(96 * nodes, Math.floor(heapMb / 4))
  return [
    `-Xms${Math.min(192 * nodes, heapMb)}m`,
    `-Xmx${heapMb}m`,
    `-Xmn${young}m`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:Tier3InvocationThreshold=2000',
    '-XX:Tier3MinInvocationThreshold=1000',
    '-XX:Tier3CompileThreshold=20000',
    '-XX:Tier3BackEdgeThreshold=600000',
    '-XX:-UsePerfData',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
  ]
}
