import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { packageConfig } from '@infra/tsup-config'

// The jar fetcher (pom + script) and the Java 25 fetcher live in tooling/kafka; the published package carries a copy in
// dist/kafka so outside teams can run `npx infra-kafka-fetch`.
function copyFetcher(): void {
  fs.mkdirSync('dist/kafka', { recursive: true })
  for (const f of ['pom.xml', 'fetch-jars.sh', 'fetch-java.sh']) {
    fs.copyFileSync(`../../tooling/kafka/${f}`, `dist/kafka/${f}`)
  }
  fs.chmodSync('dist/kafka/fetch-jars.sh', 0o755)
  fs.chmodSync('dist/kafka/fetch-java.sh', 0o755)
}

/** `javac` from $JAVA_HOME, else PATH: a JDK 17+ (Debian: openjdk-17-jdk-headless). */
function jdkTool(name: 'javac' | 'jar'): string {
  const home = process.env.JAVA_HOME
  if (home && fs.existsSync(path.join(home, 'bin', name))) return path.join(home, 'bin', name)
  return name
}

// The shared-JVM launcher (java/InfraKafkaNodes.java, `sharedJvm: true`) ships compiled, for Java 17+, so users
// need no JDK: dist/java/infra-kafka-nodes.jar.
function compileLauncher(): void {
  const classes = 'dist/java/classes'
  fs.mkdirSync(classes, { recursive: true })
  try {
    execFileSync(jdkTool('javac'), ['--release', '17', '-d', classes, 'java/InfraKafkaNodes.java'], {
      stdio: 'inherit',
    })
    execFileSync(
      jdkTool('jar'),
      ['--create', '--file', 'dist/java/infra-kafka-nodes.jar', '-C', classes, '.'],
      {
        stdio: 'inherit',
      },
    )
  } catch (err) {
    throw new Error(
      `kafka-fixture's build compiles java/InfraKafkaNodes.java and needs a JDK 17+ (javac, jar on PATH or in $JAVA_HOME; Debian: apt-get install openjdk-17-jdk-headless): ${(err as Error).message}`,
    )
  }
  fs.rmSync(classes, { recursive: true, force: true })
}

// '.' is ESM + CJS; './vitest' is ESM only (vitest loads test files as ESM, and a CJS build of it could never
// load: vitest refuses require()). One ESM build of both entries shares its chunks, so a class from '.' and
// from './vitest' is the same class. `build` empties dist first (the two builds run side by side).
export default [
  packageConfig({
    format: ['esm'],
    clean: false,
    onSuccess: async () => {
      copyFetcher()
      compileLauncher()
    },
  }),
  packageConfig({ entry: { index: 'src/index.ts' }, format: ['cjs'], clean: false }),
]
