#!/usr/bin/env node
import { main } from './main.js'

// exit explicitly: watchdog links and client sockets must not keep a finished CLI alive
process.exit(await main(process.argv.slice(2)))
