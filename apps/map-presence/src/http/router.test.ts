import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpError } from '../http-error.js'
import { Router } from './router.js'

describe('Router', () => {
  let server: Server
  let base: string
  const errors: unknown[] = []

  beforeAll(async () => {
    const router = new Router()
      .add('GET', '/things/:id', async ({ params }) => [200, { id: params.id }])
      .add('POST', '/things', async ({ body }) => [201, { got: await body() }])
      .add('GET', '/conflict', async () => {
        throw new HttpError(409, 'conflict', 'nope')
      })
      .add('GET', '/pg', async () => {
        throw Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'maps_pkey' })
      })
      .add('GET', '/boom', async () => {
        throw new Error('secret detail')
      })
    server = createServer(router.listener((error) => errors.push(error)))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  const call = async (method: string, path: string, body?: string) => {
    const response = await fetch(base + path, { method, body })
    return { status: response.status, body: await response.json(), allow: response.headers.get('allow') }
  }

  it('matches path parameters and decodes them', async () => {
    expect(await call('GET', '/things/a%20b')).toMatchObject({ status: 200, body: { id: 'a b' } })
  })

  it('parses JSON bodies and rejects invalid JSON with 400', async () => {
    expect(await call('POST', '/things', '{"a":1}')).toMatchObject({ status: 201, body: { got: { a: 1 } } })
    expect(await call('POST', '/things', '{')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    })
  })

  it('answers 404 for unknown paths and 405 with Allow for known paths', async () => {
    expect((await call('GET', '/nowhere')).status).toBe(404)
    expect(await call('DELETE', '/things')).toMatchObject({ status: 405, allow: 'POST' })
  })

  it('turns HttpErrors and Postgres integrity errors into 4xx bodies', async () => {
    expect(await call('GET', '/conflict')).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: 'nope' } },
      allow: null,
    })
    expect(await call('GET', '/pg')).toMatchObject({
      status: 409,
      body: { error: { code: 'unique_violation', constraint: 'maps_pkey' } },
    })
  })

  it('hides unexpected errors behind a 500 and reports them', async () => {
    expect(await call('GET', '/boom')).toMatchObject({ status: 500, body: { error: { code: 'internal' } } })
    expect(errors).toHaveLength(1)
  })
})
