import { describe, expect, it } from 'vitest'
import { ChannelRegistry } from './channel-registry.js'

describe('ChannelRegistry', () => {
  it('reports only the channels that gained their first member', () => {
    const registry = new ChannelRegistry<string>()
    expect(registry.add('a', ['orders', 'news'])).toEqual(['orders', 'news'])
    expect(registry.add('b', ['orders', 'sports'])).toEqual(['sports'])
    expect(registry.count('orders')).toBe(2)
    expect([...registry.members('orders')]).toEqual(['a', 'b'])
    expect(registry.channelsOf('a')).toEqual(['news', 'orders'])
  })

  it('reports only the channels that lost their last member', () => {
    const registry = new ChannelRegistry<string>()
    registry.add('a', ['orders', 'news'])
    registry.add('b', ['orders'])
    expect(registry.remove('a', ['orders', 'news', 'never'])).toEqual(['news'])
    expect(registry.remove('b', ['orders'])).toEqual(['orders'])
    expect(registry.channels()).toEqual([])
    expect(registry.channelsOf('a')).toEqual([])
  })

  it('forgets a member everywhere at once, and twice is harmless', () => {
    const registry = new ChannelRegistry<string>()
    registry.add('a', ['x', 'y'])
    registry.add('b', ['y'])
    expect(registry.removeMember('a').sort()).toEqual(['x'])
    expect(registry.removeMember('a')).toEqual([])
    expect(registry.channels()).toEqual(['y'])
  })
})
