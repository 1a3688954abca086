import { BinaryNotFoundError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { javaRelease, parseJavaMajor, resolveJava } from './java.js'

describe('parseJavaMajor', () => {
  it('reads modern and legacy version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17)
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21)
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8)
    expect(parseJavaMajor('nothing here')).toBeUndefined()
  })
})

describe('resolveJava', () => {
  it('rejects an explicit override that is not a java executable, naming the install command', () => {
    let err: unknown
    try {
      resolveJava('/nonexistent/jdk/bin/java')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(BinaryNotFoundError)
    expect((err as Error).message).toContain('apt-get install openjdk-17-jre-headless')
    expect((err as Error).message).toContain('/nonexistent/jdk/bin/java')
    expect((err as Error).message).toContain('INFRA_KAFKA_JAVA')
  })

  it('rejects a program that is not Java, saying why', () => {
    expect(() => resolveJava('/bin/true')).toThrow(BinaryNotFoundError)
    expect(() => resolveJava('/bin/true')).toThrow(/did not report a version/)
  })
})

describe('javaRelease', () => {
  it("reads the major and runtime build from the JDK's release file, without starting a JVM", () => {
    const java = resolveJava()
    const release = javaRelease(java.path)
    // the machine's Java comes from a Debian package, which has a release file
    expect(release?.major).toBe(java.major)
    expect(java.identity).toContain(release!.runtime)
    expect(java.identity).toMatch(/\|\d+:\d+$/)
  })

  it('is undefined for an executable outside a Java home', () => {
    expect(javaRelease('/bin/true')).toBeUndefined()
    expect(javaRelease('/nonexistent/bin/java')).toBeUndefined()
  })
})
