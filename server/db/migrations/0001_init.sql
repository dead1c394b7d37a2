-- 0001: the whole first schema. Synced entity tables mirror shared/domain/entities.ts (one column per
-- field); change_log is what clients pull. Keep in step with server/db/schema.ts.

CREATE TABLE admin_units (
  id            text PRIMARY KEY,              -- `${code_list}:${code}`: codes were reused in 2025
  code          text NOT NULL,
  code_list     text NOT NULL CHECK (code_list IN ('vn-2019', 'vn-2025')),
  name          text NOT NULL,
  level         text NOT NULL,
  parent_id     text REFERENCES admin_units (id),
  valid_from    date,
  valid_to      date,
  successor_id  text REFERENCES admin_units (id),
  center        jsonb,
  population    integer,
  area_km2      double precision,
  UNIQUE (code_list, code)
);

CREATE TABLE agencies (
  id       text PRIMARY KEY,
  name     text NOT NULL,
  kind     text NOT NULL,
  unit_id  text REFERENCES admin_units (id)
);

CREATE TABLE cameras (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  camera_group  text NOT NULL,
  unit_id       text REFERENCES admin_units (id),
  location      jsonb NOT NULL,
  sources       jsonb NOT NULL,
  enabled       boolean NOT NULL DEFAULT true
);

CREATE TABLE feedback_cases (
  id           text PRIMARY KEY,
  title        text NOT NULL,
  description  text NOT NULL,
  category     text NOT NULL,
  status       text NOT NULL,
  level        text NOT NULL,
  unit_id      text REFERENCES admin_units (id),
  location     jsonb,
  address      text,
  agency_id    text REFERENCES agencies (id),
  received_at  timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  note_count   integer NOT NULL DEFAULT 0
);
CREATE INDEX feedback_cases_status_idx ON feedback_cases (status);

CREATE TABLE case_events (
  id       text PRIMARY KEY,
  case_id  text NOT NULL REFERENCES feedback_cases (id),
  at       timestamptz NOT NULL,
  actor    text NOT NULL,
  action   text NOT NULL,
  text     text
);
CREATE INDEX case_events_case_idx ON case_events (case_id, at);

CREATE TABLE dossier_events (
  id          text PRIMARY KEY,
  dossier_id  text NOT NULL,
  procedure   text NOT NULL,
  agency_id   text REFERENCES agencies (id),
  unit_id     text REFERENCES admin_units (id),
  kind        text NOT NULL,
  online      boolean NOT NULL,
  at          timestamptz NOT NULL,
  due_at      timestamptz
);
CREATE INDEX dossier_events_at_idx ON dossier_events (at);
CREATE INDEX dossier_events_dossier_idx ON dossier_events (dossier_id);

CREATE TABLE alerts (
  id               text PRIMARY KEY,
  kind             text NOT NULL,
  severity         text NOT NULL,
  title            text NOT NULL,
  unit_id          text REFERENCES admin_units (id),
  raised_at        timestamptz NOT NULL,
  acknowledged_at  timestamptz,
  acknowledged_by  text,
  note             text
);

CREATE TABLE water_stations (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  river      text NOT NULL,
  unit_id    text REFERENCES admin_units (id),
  location   jsonb NOT NULL,
  alarm      jsonb NOT NULL,               -- {bd1, bd2, bd3} metres
  camera_id  text REFERENCES cameras (id)
);

CREATE TABLE water_readings (
  id          text PRIMARY KEY,
  station_id  text NOT NULL REFERENCES water_stations (id),
  at          timestamptz NOT NULL,
  level_m     double precision NOT NULL
);
CREATE INDEX water_readings_station_at_idx ON water_readings (station_id, at);

CREATE TABLE indicator_values (
  id           text PRIMARY KEY,
  indicator    text NOT NULL,
  unit_id      text REFERENCES admin_units (id),
  period       text NOT NULL,
  value        double precision,
  numerator    double precision,
  denominator  double precision,
  computed_at  timestamptz NOT NULL
);

-- Auth ---------------------------------------------------------------------------------------
CREATE TABLE users (
  id             text PRIMARY KEY,
  username       text NOT NULL UNIQUE,
  display_name   text NOT NULL,
  role           text NOT NULL CHECK (role IN ('operator', 'leader', 'admin')),
  password_hash  text NOT NULL,            -- scrypt$N$r$p$salt$hash (params stored with the hash)
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash  text PRIMARY KEY,            -- sha256 hex of the bearer token; the token itself is never stored
  user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  user_id   text,
  actor     text NOT NULL,                 -- username (or the username tried, for failed logins)
  ip        text,
  action    text NOT NULL,
  target    text,
  args      jsonb,                         -- summary only, never secrets
  result    text NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- Sync ---------------------------------------------------------------------------------------
CREATE TABLE change_log (
  seq        bigserial PRIMARY KEY,        -- appended under pg_advisory_xact_lock: seq order = commit order
  entity     text NOT NULL,
  entity_id  text NOT NULL,
  op         text NOT NULL CHECK (op IN ('upsert', 'delete')),
  data       jsonb,
  at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE applied_mutations (
  client_id    uuid NOT NULL,
  mutation_id  uuid NOT NULL,
  client_seq   bigint NOT NULL,
  name         text NOT NULL,
  user_id      text,
  args_sha256  text NOT NULL,              -- detects a mutation id replayed with different content
  result       jsonb NOT NULL,
  applied_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, mutation_id)
);

CREATE TABLE client_progress (
  client_id        uuid PRIMARY KEY,
  last_client_seq  bigint NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE server_meta (
  key    text PRIMARY KEY,
  value  jsonb NOT NULL
);
