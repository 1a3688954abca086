// A fan-out worker instance in its own process, so a test can SIGKILL it (the lease holder dies for real).
// argv: endpoints(comma-separated) prefix instanceId. Prints "elected" once it holds the election.
import { Etcd3 } from 'etcd3'
import { FanoutElection } from '../../src/index.js'

const [endpoints = '', prefix = '', id = 'child'] = process.argv.slice(2)
const client = new Etcd3({ hosts: endpoints.split(','), dialTimeout: 2_000 })
const election = new FanoutElection(
  client.namespace(prefix),
  id,
  {
    onElected: async () => void process.stdout.write('elected\n'),
    onDemoted: async () => void process.stdout.write('demoted\n'),
    onError: (error) => process.stderr.write(`election error: ${String(error)}\n`),
  },
  2,
)
election.start()
setTimeout(() => process.exit(2), 120_000).unref() // never outlive the test run
setInterval(() => undefined, 1_000)
