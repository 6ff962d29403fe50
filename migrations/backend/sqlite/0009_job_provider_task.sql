-- What a provider started for a job on its side (a Replicate prediction, or the time of a create that
-- went unanswered), kept with the job: a later attempt, on whichever instance claims it after a crash
-- or a lost lease, follows that work instead of starting (and paying for) another.
ALTER TABLE jobs ADD COLUMN provider_task text;
