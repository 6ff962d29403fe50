-- Rate limits shared by every server instance on this database (issue 14): one token bucket per key
-- with its own capacity and refill rate, updated by a single INSERT ... ON CONFLICT DO UPDATE per
-- check. full_at is when the bucket is full again; the periodic sweep deletes rows past it (a full
-- bucket is the same as no row).
CREATE TABLE rate_limits (bucket text PRIMARY KEY, tokens double precision NOT NULL, cap double precision NOT NULL, rate double precision NOT NULL, allowed boolean NOT NULL, updated_at timestamptz NOT NULL, full_at timestamptz NOT NULL);
CREATE INDEX rate_limits_full_at ON rate_limits (full_at);
