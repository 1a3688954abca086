import { startService } from '@infra/fixture-core'
const p = await startService({ name: 'sleep', command: 'sleep', args: ['30'], stopSignal: 'SIGINT' })
console.log('started', p.pid)
await p.stop()
console.log('stopped')
