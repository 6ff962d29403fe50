-- The status bar asks how many rows wait to be sent after every sync page and poll; outputs made
-- offline are found through this index instead of a scan of every output (100 ms at 100k).
CREATE INDEX outputs_pending ON outputs (generation_id) WHERE pending = 1;
