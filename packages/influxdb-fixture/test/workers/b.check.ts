import { defineChecks } from './checks.js'

defineChecks('b')
