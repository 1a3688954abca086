-- 5 tables with indexes: the template every simulated test clones
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE accounts (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), currency char(3) NOT NULL, balance numeric(18, 2) NOT NULL DEFAULT 0);
CREATE INDEX accounts_user_idx ON accounts (user_id);
CREATE TABLE orders (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), idempotency_key text NOT NULL UNIQUE, side text NOT NULL, qty numeric(18, 8) NOT NULL, price numeric(18, 8) NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX orders_account_idx ON orders (account_id, created_at);
CREATE TABLE trades (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), qty numeric(18, 8) NOT NULL, price numeric(18, 8) NOT NULL, executed_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX trades_order_idx ON trades (order_id);
CREATE TABLE audit_log (id bigserial PRIMARY KEY, entity text NOT NULL, entity_id bigint NOT NULL, payload jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE INDEX audit_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_payload_idx ON audit_log USING gin (payload);
