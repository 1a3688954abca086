import { defineChecks } from './checks.js'

defineChecks('a')
