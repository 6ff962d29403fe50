-- The assistant's conversations (issue 12): one per session, kept on this disk so the drawer shows
-- it offline and after a restart. A user message that could not be sent stays with state 'failed'
-- (and why) until it is retried; 'sending' marks one on its way (found at start: it was cut off).
-- suggestions is the reply's suggestions array as JSON ("[]" for none). The skills the server
-- lists are kept too, so the drawer's picker fills without a call.

CREATE TABLE assistant_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  suggestions TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL DEFAULT 'sent',
  error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX assistant_messages_of_session ON assistant_messages (session_id, id);

CREATE TABLE assistant_skills (
  position INTEGER PRIMARY KEY,
  data TEXT NOT NULL
);
