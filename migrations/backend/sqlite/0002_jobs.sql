-- The generation queue: one row per generation still to run. A finished job's row is deleted in the
-- transaction that finishes its generation, so the table holds only pending and running work and a
-- claim stays cheap however many generations exist. Times are integer microseconds (UTC).

CREATE TABLE jobs (
  generation_id TEXT PRIMARY KEY REFERENCES generations (id) ON DELETE CASCADE,
  priority INTEGER NOT NULL DEFAULT 0,
  run_after INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  last_error TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0
);
-- The claim walks this index in claim order and stops at the first free job.
CREATE INDEX jobs_claim ON jobs (priority DESC, run_after);
