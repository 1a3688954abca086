import type { ChildProcess } from 'node:child_process'
/**
 * Spawns `vitest run --config <config> --reporter=dot` in `cwd`, in its own process group
 * (end it with `process.kill(-child.pid, signal)`), without the outer run's worker env.
 */
export declare function spawnVitest(config: string, env?: Record<string, string>, cwd?: string): ChildProcess
/** Runs a nested vitest to its end; its whole process group is SIGKILLed after `timeoutMs`. */
export declare function runVitest(
  config: string,
  options: { env?: Record<string, string>; cwd: string; timeoutMs: number },
): Promise<{ code: number | null; output: string }>
