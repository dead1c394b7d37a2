-- 0002: Open311 GeoReport v2 (citizen-facing API, server/open311). Keep in step with server/db/schema.ts.
-- A service request IS a feedback case (feedback_cases row, synced to the walls); what Open311 adds
-- and the walls must not see (citizen contact details, api key, token, attributes) lives in
-- open311_requests, which is never synced. Cases without an open311_requests row (seeded, simulated,
-- entered on the wall) belong to the default jurisdiction.

CREATE TABLE open311_jurisdictions (
  id           text PRIMARY KEY,              -- e.g. bactramy.danang.gov.vn
  name         text NOT NULL,
  boundary     text,                          -- 'bac_tra_my_2025' = must lie in a post-2025 commune; NULL = anywhere
  agency_name  text,                          -- agency_responsible while a case is not assigned yet
  is_default   boolean NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX open311_jurisdictions_default_idx ON open311_jurisdictions (is_default) WHERE is_default;

CREATE TABLE open311_services (
  jurisdiction_id    text NOT NULL REFERENCES open311_jurisdictions (id),
  service_code       text NOT NULL,           -- opaque to clients
  service_name       text NOT NULL,
  description        text NOT NULL DEFAULT '',
  type               text NOT NULL DEFAULT 'realtime' CHECK (type IN ('realtime', 'batch', 'blackbox')),
  keywords           text NOT NULL DEFAULT '',
  service_group      text NOT NULL DEFAULT '',
  category           text NOT NULL,           -- feedback_cases.category of the cases it creates
  aliases            jsonb NOT NULL DEFAULT '[]', -- other feedback categories shown as this service
  level              text NOT NULL CHECK (level IN ('urgent', 'normal', 'complex')),
  attributes         jsonb NOT NULL DEFAULT '[]', -- Open311 service definition attributes
  location_required  boolean NOT NULL DEFAULT true,
  service_notice     text,
  sort               integer NOT NULL DEFAULT 0,
  PRIMARY KEY (jurisdiction_id, service_code)
);

CREATE TABLE open311_api_keys (
  key_hash            text PRIMARY KEY,       -- sha256 hex of the key; the key itself is never stored
  label               text NOT NULL,
  jurisdiction_id     text REFERENCES open311_jurisdictions (id), -- NULL = every jurisdiction
  rate_limit_per_min  integer,                -- NULL = server default
  disabled            boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE open311_request_seq;

CREATE TABLE open311_requests (
  case_id          text PRIMARY KEY REFERENCES feedback_cases (id),
  jurisdiction_id  text NOT NULL REFERENCES open311_jurisdictions (id),
  service_code     text NOT NULL,
  token            text NOT NULL UNIQUE,
  api_key_hash     text NOT NULL,
  attributes       jsonb NOT NULL DEFAULT '{}',
  address_id       text,
  zipcode          text,
  media_url        text,                      -- given by the client
  media            jsonb NOT NULL DEFAULT '[]', -- uploaded files: [{sha256, ext, bytes}]
  -- citizen contact: stored for the operators, never returned by GET requests
  email            text,
  phone            text,
  first_name       text,
  last_name        text,
  device_id        text,
  account_id       text,
  created_at       timestamptz NOT NULL
);
CREATE INDEX open311_requests_jurisdiction_idx ON open311_requests (jurisdiction_id, service_code);

CREATE INDEX feedback_cases_received_idx ON feedback_cases (received_at);
