import type { OrderView } from '../client/index.js'

/** Renders the order list: one `li[data-id][data-pending][data-status]` per order, with a "ship" button. */
export function renderOrders(list: HTMLUListElement, orders: OrderView[], ship: (id: string) => void): void {
  list.replaceChildren(
    ...orders.map((order) => {
      const item = document.createElement('li')
      item.dataset.id = order.id
      item.dataset.pending = String(order.pending)
      item.dataset.status = order.status
      item.textContent = `${order.customer}: ${order.quantity} × ${order.item} (${order.status}${order.pending ? ', saving…' : ''}) `
      if (order.status !== 'shipped' && !order.pending) {
        const button = document.createElement('button')
        button.textContent = 'ship'
        button.addEventListener('click', () => ship(order.id))
        item.append(button)
      }
      return item
    }),
  )
}
