-- The scheduler claims pending charges in id order, a batch at a time: index them that way
-- so each claim reads its batch and no more.
drop index charges_status;
create index charges_status on charges (status, id);
