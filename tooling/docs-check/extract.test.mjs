import assert from 'node:assert/strict'
import { test } from 'node:test'
import { codeBlocks, splitFiles } from './extract.mjs'

const md = [
  '# Title', //                  1
  '```ts', //                    2
  'const a = 1', //              3
  '```', //                      4
  '```ts nocheck', //            5
  'broken(', //                  6
  '```', //                      7
  '```sh', //                    8
  'echo no', //                  9
  '```', //                      10
  '- item', //                   11
  '  ```typescript', //          12
  '  const b = 2', //            13
  '  ```', //                    14
].join('\n')

test('finds ts blocks, their first line, nocheck and indented ones; skips other languages', () => {
  assert.deepEqual(codeBlocks(md), [
    { line: 3, code: 'const a = 1', skipped: false },
    { line: 6, code: 'broken(', skipped: true },
    { line: 13, code: 'const b = 2', skipped: false },
  ])
})

test('splits a block at comment lines naming files, keeping each part’s offset', () => {
  const code = [
    '// setup.ts — one server per run', // 0
    "import { a } from 'a'", //            1
    'export default a', //                 2
    '', //                                 3
    '// orders.test.ts', //                4
    "import { b } from 'b'", //            5
  ].join('\n')
  assert.deepEqual(
    splitFiles(code).map((p) => [p.name, p.offset]),
    [
      ['setup.ts', 0],
      ['orders.test.ts', 4],
    ],
  )
  assert.deepEqual(
    splitFiles('const x = 1\n// note about vitest.config.ts: no code here').map((p) => p.name),
    [undefined],
  )
})
