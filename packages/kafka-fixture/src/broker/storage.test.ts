import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { randomKafkaUuid, stampNodeStorage } from './storage.js'

describe('storage', () => {
  it('makes Kafka-style uuids', () => {
    for (let i = 0; i < 200; i++) {
      const id = randomKafkaUuid()
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
    }
  })

  it('stamps a node log dir from a template', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kstamp-'))
    try {
      const template = path.join(root, 'template')
      fs.mkdirSync(template)
      fs.writeFileSync(path.join(template, 'bootstrap.checkpoint'), 'bin')
      const logDir = path.join(root, 'node', 'data')
      stampNodeStorage(template, logDir, 3, 'CLUSTERIDCLUSTERIDCLUS')
      expect(fs.readFileSync(path.join(logDir, 'bootstrap.checkpoint'), 'utf8')).toBe('bin')
      const meta = fs.readFileSync(path.join(logDir, 'meta.properties'), 'utf8')
      expect(meta).toContain('node.id=3\n')
      expect(meta).toContain('cluster.id=CLUSTERIDCLUSTERIDCLUS\n')
      expect(meta).toMatch(/directory\.id=[A-Za-z0-9_-]{22}\n/)
      expect(meta).toContain('version=1\n')
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
