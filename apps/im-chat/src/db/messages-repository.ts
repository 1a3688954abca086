import type mysql from 'mysql2/promise'
import { withDeadline } from '../errors.js'
import { QUERY_TIMEOUT_MS } from './pool.js'

export interface ChatMessage {
  id: number
  conversationId: string
  senderId: string
  body: string
  createdAt: string
}

interface MessageRow {
  id: number
  conversation_id: string
  sender_id: string
  body: string
  created_at: Date
}

export class MessagesRepository {
  constructor(
    private readonly pool: mysql.Pool,
    private readonly timeoutMs = QUERY_TIMEOUT_MS,
  ) {}

  async insert(conversationId: string, senderId: string, body: string): Promise<ChatMessage> {
    return withDeadline('mysql', 'insert message', this.timeoutMs, async () => {
      const [result] = await this.pool.query<mysql.ResultSetHeader>({
        sql: 'INSERT INTO messages (conversation_id, sender_id, body) VALUES (?, ?, ?)',
        values: [conversationId, senderId, body],
        timeout: this.timeoutMs,
      })
      const [rows] = await this.pool.query<mysql.RowDataPacket[]>({
        sql: 'SELECT * FROM messages WHERE id = ?',
        values: [result.insertId],
        timeout: this.timeoutMs,
      })
      return toMessage(rows[0] as MessageRow)
    })
  }

  async list(conversationId: string, limit = 100): Promise<ChatMessage[]> {
    return withDeadline('mysql', 'list messages', this.timeoutMs, async () => {
      const [rows] = await this.pool.query<mysql.RowDataPacket[]>({
        sql: 'SELECT * FROM messages WHERE conversation_id = ? ORDER BY id LIMIT ?',
        values: [conversationId, limit],
        timeout: this.timeoutMs,
      })
      return (rows as MessageRow[]).map(toMessage)
    })
  }
}

function toMessage(row: MessageRow): ChatMessage {
  return {
    id: Number(row.id),
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    body: row.body,
    createdAt: row.created_at.toISOString(),
  }
}
