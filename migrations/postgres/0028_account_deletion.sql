-- Deleting an account erases its personal data but keeps the row, so money history (charges,
-- donation items, the journal) still points at one anonymous account. A page whose owner
-- deleted their account is closed: it takes no new pledges or tips and leaves explore.
alter table users add column deleted_at bigint;
alter table recipients add column closed_at bigint;
