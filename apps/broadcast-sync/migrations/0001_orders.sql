-- Orders of seed 003. Ids are chosen by the client (a UUID), so an optimistic entry already carries the id
-- the server will store, and a retried create is recognised as a duplicate (409) instead of a second order.
CREATE TABLE orders (
  id uuid PRIMARY KEY,
  customer text NOT NULL CHECK (length(customer) BETWEEN 1 AND 100),
  item text NOT NULL CHECK (length(item) BETWEEN 1 AND 100),
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'shipped', 'cancelled')),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX orders_created_at_idx ON orders (created_at, id);
