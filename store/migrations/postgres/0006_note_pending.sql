-- note_pending holds a digest of the note a run is about to add to the
-- link's ticket, set before the POST and cleared when the link is stored
-- after the action. Only a run that finds it set (an earlier attempt may
-- have added the note) reads the ticket's notes first; the others add the
-- note without that read.

ALTER TABLE ticket_links ADD COLUMN note_pending TEXT NOT NULL DEFAULT '';
