import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BinaryNotFoundError } from '@infra/fixture-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FETCHED_JAVA, fetchedJava, javaRelease, parseJavaMajor, resolveJava } from './java.js'

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
    const java = resolveJava('/usr/bin/java')
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

describe('the fetched Java', () => {
  const saved = { cache: process.env.INFRA_CACHE_DIR, java: process.env.INFRA_KAFKA_JAVA }
  let root: string
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-java-test-'))
    process.env.INFRA_CACHE_DIR = root
    delete process.env.INFRA_KAFKA_JAVA
  })
  afterEach(() => {
    for (const [k, v] of [
      ['INFRA_CACHE_DIR', saved.cache],
      ['INFRA_KAFKA_JAVA', saved.java],
    ] as const) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    fs.rmSync(root, { recursive: true, force: true })
  })

  /** A stand-in runtime in the cache: a release file (read instead of running it) and an executable. */
  function fakeRuntime(version: string, complete: boolean): string {
    const home = path.join(root, 'java', FETCHED_JAVA)
    fs.mkdirSync(path.join(home, 'bin'), { recursive: true })
    fs.writeFileSync(path.join(home, 'release'), `JAVA_VERSION="${version}"\n`)
    fs.writeFileSync(path.join(home, 'bin', 'java'), '#!/bin/sh\nexit 0\n', { mode: 0o755 })
    if (complete) fs.writeFileSync(path.join(home, '.complete'), FETCHED_JAVA)
    return path.join(home, 'bin', 'java')
  }

  it('is preferred to the Java on PATH once fetched completely', () => {
    const java = fakeRuntime('25.0.2', true)
    expect(fetchedJava()).toBe(java)
    expect(resolveJava()).toMatchObject({ path: java, major: 25 })
  })

  it('is skipped while incomplete, or when it is not a usable Java', () => {
    const half = fakeRuntime('25.0.2', false)
    expect(fetchedJava()).toBeUndefined()
    expect(resolveJava().path).not.toBe(half)
    fs.rmSync(path.join(root, 'java'), { recursive: true })
    const old = fakeRuntime('11.0.2', true)
    expect(resolveJava().path).not.toBe(old)
  })

  it('gives way to the java option and $INFRA_KAFKA_JAVA', () => {
    const fetched = fakeRuntime('25.0.2', true)
    const system = resolveJava('/usr/bin/java').path
    expect(system).not.toBe(fetched)
    process.env.INFRA_KAFKA_JAVA = '/usr/bin/java'
    expect(resolveJava().path).toBe(system)
  })
})
