-- The client's local mirror of what the signed-in user can see (DESIGN §6), filled from the changes
-- feed. Projects, sessions and members keep the server's JSON in `data` (read back through the domain
-- codecs) beside the columns their lists sort on; generations and outputs, the big lists, are stored
-- as columns only, so a page is read without parsing JSON. `pending` = 1 marks a row made locally and not yet confirmed
-- by the server. Foreign keys are not declared: the feed may deliver a child before its parent, and
-- CacheStore deletes children itself when a tombstone arrives.

CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  rev INTEGER,
  pending INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL
);
CREATE INDEX projects_recent ON projects (updated_at DESC, id DESC);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  rev INTEGER,
  pending INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL
);
CREATE INDEX sessions_of_project ON sessions (project_id, created_at, id);

-- seq is a stable integer key for the full-text index (content_rowid) and search paging.
-- params and error are JSON objects (error null unless failed); times are microseconds UTC.
-- project_id is filled from the session, possibly later: the feed may send a generation first.
CREATE TABLE generations (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL,
  project_id TEXT,
  user_id TEXT NOT NULL,
  model_id TEXT NOT NULL,
  client_id TEXT,
  status TEXT NOT NULL,
  progress INTEGER NOT NULL DEFAULT 0,
  progress_is_estimate INTEGER NOT NULL DEFAULT 0,
  prompt TEXT NOT NULL DEFAULT '',
  negative_prompt TEXT NOT NULL DEFAULT '',
  params TEXT NOT NULL DEFAULT '{}',
  error TEXT,
  cost INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  rev INTEGER,
  pending INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX generations_of_session ON generations (session_id, created_at DESC, id DESC);
CREATE INDEX generations_of_project ON generations (project_id);
CREATE INDEX generations_in_flight ON generations (status) WHERE status IN ('queued', 'processing');
CREATE INDEX generations_by_client_id ON generations (client_id) WHERE client_id IS NOT NULL;

CREATE TABLE outputs (
  id TEXT PRIMARY KEY,
  generation_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  project_id TEXT,
  file_type TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  is_starred INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  thumbnail_url TEXT NOT NULL,
  url TEXT NOT NULL,
  rev INTEGER,
  pending INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outputs_of_generation ON outputs (generation_id, created_at, id);
CREATE INDEX outputs_of_session ON outputs (session_id);
CREATE INDEX outputs_images_of_project ON outputs (project_id, created_at DESC, id DESC) WHERE file_type = 'image';

-- feed_id is the change's id, so a member tombstone finds its row whatever shape the id takes.
CREATE TABLE members (
  project_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  feed_id TEXT,
  joined_at INTEGER NOT NULL,
  rev INTEGER,
  pending INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX members_by_feed_id ON members (feed_id);

CREATE TABLE profile (
  id TEXT PRIMARY KEY,
  data TEXT NOT NULL
);

CREATE TABLE models (
  id TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  data TEXT NOT NULL
);

-- key/value: 'position' is the feed's opaque nextSince; 'limits' the bootstrap's limits JSON.
CREATE TABLE sync_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Writes made offline, replayed in id order by the outbox; a refused one keeps its reason.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  body BLOB,
  idempotency_key TEXT,
  if_match TEXT,
  depends_on INTEGER,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'conflict', 'failed')),
  reason TEXT
);
CREATE INDEX outbox_queued ON outbox (id) WHERE state = 'queued';

-- Full-text search over prompts, an external-content index on generations kept in step by triggers
-- (in the same transaction as the row).
CREATE VIRTUAL TABLE generations_fts USING fts5(prompt, negative_prompt, content='generations', content_rowid='seq', tokenize='unicode61 remove_diacritics 2', prefix='2 3');

CREATE TRIGGER generations_fts_insert AFTER INSERT ON generations BEGIN
  INSERT INTO generations_fts (rowid, prompt, negative_prompt) VALUES (NEW.seq, NEW.prompt, NEW.negative_prompt);
END;
CREATE TRIGGER generations_fts_delete AFTER DELETE ON generations BEGIN
  INSERT INTO generations_fts (generations_fts, rowid, prompt, negative_prompt) VALUES ('delete', OLD.seq, OLD.prompt, OLD.negative_prompt);
END;
CREATE TRIGGER generations_fts_update AFTER UPDATE OF prompt, negative_prompt ON generations
  WHEN OLD.prompt IS NOT NEW.prompt OR OLD.negative_prompt IS NOT NEW.negative_prompt BEGIN
  INSERT INTO generations_fts (generations_fts, rowid, prompt, negative_prompt) VALUES ('delete', OLD.seq, OLD.prompt, OLD.negative_prompt);
  INSERT INTO generations_fts (rowid, prompt, negative_prompt) VALUES (NEW.seq, NEW.prompt, NEW.negative_prompt);
END;
