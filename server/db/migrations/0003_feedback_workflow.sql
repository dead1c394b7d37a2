-- 0003: the feedback workflow on the server (shared/feedback/workflow.ts states everywhere), SLA
-- fields stored per case (computed from shared/feedback/sla.ts; refreshed by the SLA job), full
-- history rows, routing rules. Keep in step with server/db/schema.ts. Statuses written before this
-- migration (FixMyStreet words) are mapped at startup through the sync write path
-- (server/feedback/backfill.ts), so the walls receive the change too.

ALTER TABLE feedback_cases
  ADD COLUMN officer            text,
  ADD COLUMN accepted_at        timestamptz,
  ADD COLUMN clock_start_at     timestamptz,
  ADD COLUMN scheduled_at       timestamptz,
  ADD COLUMN resolved_at        timestamptz,
  ADD COLUMN published_at       timestamptz,
  ADD COLUMN answer             text,
  ADD COLUMN answer_photos      jsonb NOT NULL DEFAULT '[]',  -- media refs "<sha256>.jpg|png" (after photos)
  ADD COLUMN duplicate_of       text REFERENCES feedback_cases (id),
  ADD COLUMN duplicates         jsonb NOT NULL DEFAULT '[]',  -- ids merged into this case
  ADD COLUMN close_reason       text,
  ADD COLUMN reopen_count       integer NOT NULL DEFAULT 0,
  ADD COLUMN pauses             jsonb NOT NULL DEFAULT '[]',  -- [{from, to|null, reason}]
  ADD COLUMN routing_rule_id    text,
  -- SLA (server/feedback/sla-fields.ts)
  ADD COLUMN sla_phase          text,                         -- accept | handle | done
  ADD COLUMN accept_due_at      timestamptz,
  ADD COLUMN handle_due_at      timestamptz,
  ADD COLUMN due_at             timestamptz,                  -- running clock; NULL when done or paused
  ADD COLUMN due_soon_at        timestamptz,
  ADD COLUMN due_soon           boolean NOT NULL DEFAULT false,
  ADD COLUMN overdue            boolean NOT NULL DEFAULT false,
  ADD COLUMN paused             boolean NOT NULL DEFAULT false,
  ADD COLUMN pause_reason       text,
  ADD COLUMN remaining_minutes  integer,
  ADD COLUMN escalated_at       timestamptz,
  ADD COLUMN escalated_due_at   timestamptz;                  -- the due instant already escalated (once per deadline)
CREATE INDEX feedback_cases_due_idx ON feedback_cases (due_at) WHERE due_at IS NOT NULL;

ALTER TABLE case_events
  ADD COLUMN actor_role   text,
  ADD COLUMN from_status  text,
  ADD COLUMN to_status    text,
  ADD COLUMN data         jsonb NOT NULL DEFAULT '{}';

-- Routing rules: category × commune → agency, applied at intake. Admin-edited, never synced.
CREATE TABLE routing_rules (
  id           text PRIMARY KEY,
  category     text NOT NULL,
  unit_id      text REFERENCES admin_units (id),   -- NULL = every commune
  agency_id    text NOT NULL REFERENCES agencies (id),
  auto_assign  boolean NOT NULL DEFAULT false,     -- true: the case starts 'assigned'; false: 'received' with the agency proposed
  sort         integer NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text
);
CREATE UNIQUE INDEX routing_rules_key_idx ON routing_rules (category, coalesce(unit_id, ''));
