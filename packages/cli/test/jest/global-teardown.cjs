module.exports = require('@infra/cli/jest').globalTeardown()
