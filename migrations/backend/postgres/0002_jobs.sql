-- The generation queue: one row per generation still to run. A finished job's row is deleted in the
-- transaction that finishes its generation, so the table holds only pending and running work and a
-- claim stays cheap however many generations exist.

CREATE TABLE jobs (
  generation_id text PRIMARY KEY REFERENCES generations (id) ON DELETE CASCADE,
  priority integer NOT NULL DEFAULT 0,
  run_after timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3,
  lease_owner text,
  lease_expires_at timestamptz,
  last_error text,
  cancel_requested boolean NOT NULL DEFAULT false
);
-- The claim walks this index in claim order and stops at the first free job.
CREATE INDEX jobs_claim ON jobs (priority DESC, run_after);
