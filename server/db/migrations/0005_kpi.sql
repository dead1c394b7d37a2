-- KPI boards (issue 7): 766 attributes on dossier events, indicator state, synced worklists,
-- ingested datasets (health, immunization, education), cyberspace feeds and mentions.

ALTER TABLE dossier_events ADD COLUMN digitized boolean;
ALTER TABLE dossier_events ADD COLUMN has_fee boolean;
ALTER TABLE dossier_events ADD COLUMN paid_online boolean;
ALTER TABLE dossier_events ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5);
CREATE INDEX dossier_events_unit_at_idx ON dossier_events (unit_id, at);

ALTER TABLE indicator_values ADD COLUMN period_kind text;
ALTER TABLE indicator_values ADD COLUMN target double precision;
ALTER TABLE indicator_values ADD COLUMN state text;
ALTER TABLE indicator_values ADD COLUMN as_of timestamptz;
CREATE INDEX indicator_values_lookup_idx ON indicator_values (indicator, unit_id, period);

-- Synced: children overdue for a vaccine dose (de-identified).
CREATE TABLE immunization_dues (
  id           text PRIMARY KEY,             -- childCode:antigen
  child_code   text NOT NULL,
  unit_id      text REFERENCES admin_units (id),
  antigen      text NOT NULL,
  birth_date   text NOT NULL,
  due_at       timestamptz NOT NULL,
  computed_at  timestamptz NOT NULL,
  resolved_at  timestamptz                  -- the dose was recorded (row leaves the worklist)
);

-- Synced: feed items matching a keyword pack.
CREATE TABLE cyber_mentions (
  id            text PRIMARY KEY,
  feed_id       text NOT NULL,
  source        text NOT NULL,
  url           text,
  title         text NOT NULL,
  summary       text,
  published_at  timestamptz NOT NULL,
  unit_id       text REFERENCES admin_units (id),
  keywords      jsonb NOT NULL,
  sentiment     text NOT NULL CHECK (sentiment IN ('positive', 'neutral', 'negative')),
  score         double precision NOT NULL
);
CREATE INDEX cyber_mentions_published_idx ON cyber_mentions (published_at);

-- Server-only datasets (imported by CSV/JSON; the KPI computation reads them) ----------------
CREATE TABLE kpi_children (
  child_code   text PRIMARY KEY,              -- de-identified code from the EPI register
  unit_id      text NOT NULL REFERENCES admin_units (id),
  birth_date   date NOT NULL
);
CREATE INDEX kpi_children_birth_idx ON kpi_children (birth_date);

CREATE TABLE kpi_immunizations (
  child_code   text NOT NULL REFERENCES kpi_children (child_code),
  antigen      text NOT NULL,
  given_on     date NOT NULL,
  PRIMARY KEY (child_code, antigen)
);

CREATE TABLE kpi_pregnancies (
  woman_code     text PRIMARY KEY,
  unit_id        text NOT NULL REFERENCES admin_units (id),
  registered_on  date NOT NULL,
  tt_doses       integer NOT NULL CHECK (tt_doses >= 0),
  protected      boolean NOT NULL
);

-- Health records snapshot per unit and month (EHR coverage, standardization, visit sync).
CREATE TABLE kpi_health_records (
  unit_id        text NOT NULL REFERENCES admin_units (id),
  month          text NOT NULL,                 -- YYYY-MM
  population     integer NOT NULL CHECK (population >= 0),
  records        integer NOT NULL CHECK (records >= 0),
  standardized   integer NOT NULL CHECK (standardized >= 0),
  visits         integer NOT NULL CHECK (visits >= 0),
  visits_synced  integer NOT NULL CHECK (visits_synced >= 0),
  PRIMARY KEY (unit_id, month)
);

-- Education per unit, school year (e.g. 2025-2026, starting in September) and level.
CREATE TABLE kpi_education (
  unit_id            text NOT NULL REFERENCES admin_units (id),
  school_year        text NOT NULL,
  level              text NOT NULL,
  age_population     integer NOT NULL CHECK (age_population >= 0),
  enrolled           integer NOT NULL CHECK (enrolled >= 0),
  dropouts           integer NOT NULL CHECK (dropouts >= 0),
  schools            integer NOT NULL CHECK (schools >= 0),
  schools_standard   integer NOT NULL CHECK (schools_standard >= 0),
  classrooms         integer NOT NULL CHECK (classrooms >= 0),
  solid_classrooms   integer NOT NULL CHECK (solid_classrooms >= 0),
  PRIMARY KEY (unit_id, school_year, level)
);

CREATE TABLE kpi_import_runs (
  id          text PRIMARY KEY,
  dataset     text NOT NULL,
  format      text NOT NULL,
  rows        integer NOT NULL,
  actor       text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cyber_feeds_seen (
  feed_id   text NOT NULL,
  item_key  text NOT NULL,
  seen_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (feed_id, item_key)
);
