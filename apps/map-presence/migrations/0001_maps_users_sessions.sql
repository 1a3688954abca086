-- Maps, users and their sessions on a map (the avatar position lives on the session).
CREATE TABLE maps (
  id          text PRIMARY KEY CONSTRAINT maps_id_format CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name        text NOT NULL CONSTRAINT maps_name_length CHECK (length(name) BETWEEN 1 AND 100),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id            text PRIMARY KEY CONSTRAINT users_id_length CHECK (length(id) BETWEEN 1 AND 64),
  display_name  text NOT NULL CONSTRAINT users_display_name_length CHECK (length(display_name) BETWEEN 1 AND 100),
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     text NOT NULL REFERENCES users (id),
  map_id      text NOT NULL REFERENCES maps (id) ON DELETE CASCADE,
  avatar_lat  double precision NOT NULL CONSTRAINT sessions_avatar_lat_range CHECK (avatar_lat BETWEEN -90 AND 90),
  avatar_lng  double precision NOT NULL CONSTRAINT sessions_avatar_lng_range CHECK (avatar_lng BETWEEN -180 AND 180),
  move_seq    bigint NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  ended_at    timestamptz,
  -- lets POIs and participants reference (session, map) pairs: a session can only act on its own map
  CONSTRAINT sessions_id_map_unique UNIQUE (id, map_id)
);

-- one live session per user and map
CREATE UNIQUE INDEX sessions_one_active_per_user_map ON sessions (user_id, map_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_active_by_map ON sessions (map_id) WHERE ended_at IS NULL;
