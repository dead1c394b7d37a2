-- A second escalation for a case that stays overdue (server/feedback/sla-job.ts): level 1 when the
-- running clock passes its due instant, level 2 when it is overdue by escalateAfterMinutes working
-- minutes (8 working hours by default).
ALTER TABLE feedback_cases
  ADD COLUMN escalate_at      timestamptz,                -- due_at + the threshold in working time; NULL when done or paused
  ADD COLUMN escalated_level  integer NOT NULL DEFAULT 0; -- the level already escalated for escalated_due_at
-- Escalations before this migration were the first level; the SLA job fills escalate_at on its next tick.
UPDATE feedback_cases SET escalated_level = 1 WHERE escalated_due_at IS NOT NULL;
CREATE INDEX feedback_cases_escalate_idx ON feedback_cases (escalate_at) WHERE escalate_at IS NOT NULL;
