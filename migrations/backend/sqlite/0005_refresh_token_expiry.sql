-- Refresh tokens expire with their session: one unrefreshed for VESPER_SESSION_IDLE_DAYS is refused,
-- and the hourly sweep deletes tokens issued before that cutoff, oldest first, through this index.
CREATE INDEX refresh_tokens_issued ON refresh_tokens (issued_at);
