-- Points of interest on a map and the sessions that joined them (Postgres is the source of truth;
-- Redis keeps the poi:participants:<id> sets as a fast, rebuildable view).
CREATE TABLE pois (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  map_id      text NOT NULL REFERENCES maps (id) ON DELETE CASCADE,
  name        text NOT NULL CONSTRAINT pois_name_length CHECK (length(name) BETWEEN 1 AND 100),
  lat         double precision NOT NULL CONSTRAINT pois_lat_range CHECK (lat BETWEEN -90 AND 90),
  lng         double precision NOT NULL CONSTRAINT pois_lng_range CHECK (lng BETWEEN -180 AND 180),
  created_by  uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pois_name_unique_per_map UNIQUE (map_id, name),
  CONSTRAINT pois_id_map_unique UNIQUE (id, map_id),
  -- the creator must be a session on the same map
  CONSTRAINT pois_created_by_session_on_map FOREIGN KEY (created_by, map_id) REFERENCES sessions (id, map_id)
);

CREATE TABLE poi_participants (
  poi_id      uuid NOT NULL,
  session_id  uuid NOT NULL,
  map_id      text NOT NULL,
  joined_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (poi_id, session_id),
  CONSTRAINT poi_participants_poi_on_map FOREIGN KEY (poi_id, map_id) REFERENCES pois (id, map_id) ON DELETE CASCADE,
  -- joining a POI on another map violates this constraint
  CONSTRAINT poi_participants_session_on_map FOREIGN KEY (session_id, map_id)
    REFERENCES sessions (id, map_id) ON DELETE CASCADE
);

CREATE INDEX poi_participants_by_session ON poi_participants (session_id);
