import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EnvironmentError } from '@infra/fixture-core'

export const LAUNCHER_JAR = 'infra-kafka-nodes.jar'

/** This package's root: the nearest dir above this module with a package.json (from src/ or from dist/). */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
}

/**
 * The compiled shared-JVM launcher (`java/InfraKafkaNodes.java`, built into `dist/java/` by the package's
 * build). Throws `EnvironmentError` when it is missing (a package built without a JDK).
 */
export function launcherJar(): string {
  const jar = path.join(packageRoot(), 'dist', 'java', LAUNCHER_JAR)
  if (!fs.existsSync(jar)) {
    throw new EnvironmentError(
      `sharedJvm needs ${jar}, the launcher @infra/kafka-fixture's build compiles (pnpm build with a JDK 17+); without it start the nodes in their own JVMs (sharedJvm: false)`,
    )
  }
  return jar
}
