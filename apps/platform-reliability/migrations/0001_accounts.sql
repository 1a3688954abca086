-- Accounts and the transfers between them: the repository and transaction suites' schema.
CREATE TABLE accounts (
  id bigserial PRIMARY KEY,
  owner text NOT NULL,
  currency text NOT NULL DEFAULT 'EUR',
  balance bigint NOT NULL CHECK (balance >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_owner_idx ON accounts (owner);

CREATE TABLE transfers (
  id bigserial PRIMARY KEY,
  from_account bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  to_account bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  amount bigint NOT NULL CHECK (amount > 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transfers_from_idx ON transfers (from_account, created_at);
