import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { cdsEnabled, cdsRefused, discardCdsArchive } from './cds.js'

describe('cdsRefused', () => {
  it("spots the JVM's own warning that it could not map the archive", () => {
    expect(
      cdsRefused([
        '00:16:30,490 WARN QuorumController [QuorumController id=1] Performing controller activation.',
        '[0.012s][warning][cds] The shared archive file was created by a different version or build of HotSpot',
      ]),
    ).toBe(true)
    expect(
      cdsRefused([
        '[0.020s][warning][cds,dynamic] Unable to use shared archive. The top archive failed to load',
      ]),
    ).toBe(true)
  })

  it('ignores ordinary broker output', () => {
    expect(
      cdsRefused([
        '00:16:32,669 INFO KafkaRaftServer [KafkaRaftServer nodeId=1] Kafka Server started',
        '[00:04:12,487] WARN [QuorumController id=1] Performing controller activation. (org.apache.kafka.controller.QuorumController)',
      ]),
    ).toBe(false)
  })
})

describe('cdsEnabled', () => {
  const saved = process.env.INFRA_KAFKA_CDS
  afterEach(() => {
    if (saved === undefined) delete process.env.INFRA_KAFKA_CDS
    else process.env.INFRA_KAFKA_CDS = saved
  })

  it('follows the option first, then INFRA_KAFKA_CDS', () => {
    process.env.INFRA_KAFKA_CDS = '0'
    expect(cdsEnabled(undefined)).toBe(false)
    expect(cdsEnabled(true)).toBe(true)
    delete process.env.INFRA_KAFKA_CDS
    expect(cdsEnabled(undefined)).toBe(true)
    expect(cdsEnabled(false)).toBe(false)
  })
})

describe('discardCdsArchive', () => {
  it("removes the archive's cache entry so the next start rebuilds it", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-cds-test-'))
    try {
      const entry = path.join(root, 'abc123')
      fs.mkdirSync(entry)
      fs.writeFileSync(path.join(entry, 'kafka.jsa'), 'x')
      discardCdsArchive(path.join(entry, 'kafka.jsa'))
      expect(fs.existsSync(entry)).toBe(false)
      expect(fs.readdirSync(root)).toEqual([])
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
