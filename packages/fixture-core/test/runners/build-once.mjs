// One of several concurrent builders: asks buildOnce for the same artifact (kind/inputs from env)
// and prints the path it got. The build appends this pid to COUNTER and takes a while.
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildOnce } from '../../dist/index.js'

const dir = await buildOnce({
  kind: 'test-artifact',
  inputs: { version: process.env.VERSION ?? '1' },
  build: async (tmp) => {
    fs.appendFileSync(process.env.COUNTER, `${process.pid}\n`)
    await sleep(300)
    fs.writeFileSync(path.join(tmp, 'artifact.txt'), `built by ${process.pid}`)
  },
})
process.stdout.write(`${dir}\n`)
