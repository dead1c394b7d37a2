-- 0004: schools and health stations (synced entity `facility`, shared/domain/entities.ts) for the
-- GIS map and the KPI boards. Keep in step with server/db/schema.ts.
CREATE TABLE facilities (
  id                 text PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('school', 'health_station')),
  name               text NOT NULL,
  level              text NOT NULL,            -- preschool, primary, …, commune_health_station
  unit_id            text REFERENCES admin_units (id),
  location           jsonb NOT NULL,           -- [lon, lat] WGS84
  address            text,
  -- schools
  pupils             integer CHECK (pupils >= 0),
  classes            integer CHECK (classes >= 0),
  teachers           integer CHECK (teachers >= 0),
  standard_national  boolean,                  -- trường đạt chuẩn quốc gia
  boarding           text CHECK (boarding IN ('semi', 'full')), -- PTDTBT bán trú / PTDTNT nội trú
  -- health stations
  beds               integer CHECK (beds >= 0),
  staff              integer CHECK (staff >= 0),
  doctors            integer CHECK (doctors >= 0),
  national_criteria  boolean,                  -- đạt Bộ tiêu chí quốc gia về y tế xã
  ehr_connected      boolean                   -- gửi dữ liệu khám chữa bệnh lên hồ sơ sức khỏe điện tử
);
CREATE INDEX facilities_unit_idx ON facilities (unit_id, kind);
