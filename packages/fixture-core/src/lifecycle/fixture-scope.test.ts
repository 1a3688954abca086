import { test as baseTest, describe, expect, it } from 'vitest'
import { fileScoped, workerScoped } from './fixture-scope.js'

let workerSetups = 0
let fileSetups = 0
const scoped = {
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  counter: workerScoped<{ n: number }>(async ({}, use) => {
    workerSetups++
    await use({ n: 0 })
  }),
  label: fileScoped(
    async ({ counter }: { counter: { n: number } }, use: (value: string) => Promise<void>) => {
      fileSetups++
      await use(`file with counter ${counter.n}`)
    },
  ),
  perTest: async ({ counter }: { counter: { n: number } }, use: (value: number) => Promise<void>) => {
    counter.n++
    await use(counter.n)
  },
}
// no type argument: the context is inferred from the fixtures
const test = baseTest.extend({ greeting: 'hi' }).extend(scoped)

describe('workerScoped / fileScoped', () => {
  it('are vitest fixture tuples at run time', () => {
    const fn = async () => {}
    expect(workerScoped(fn)).toEqual([fn, { scope: 'worker' }])
    expect(fileScoped(fn)).toEqual([fn, { scope: 'file' }])
  })

  test('first test: one worker and one file setup', ({ counter, label, perTest, greeting }) => {
    const n: number = perTest
    const text: string = label
    expect([n, text, greeting, counter.n]).toEqual([1, 'file with counter 0', 'hi', 1])
  })

  test('second test: the same worker and file values', ({ counter, perTest }) => {
    expect(perTest).toBe(2)
    expect(counter.n).toBe(2)
    expect(workerSetups).toBe(1)
    expect(fileSetups).toBe(1)
  })
})
