-- Paid posts are paid for. A pledge unlocks restricted posts and counts in public totals only
-- while its supporter has a saved payment method not known to be unusable; a decline that
-- says the method itself cannot be charged remembers which method it was, so saving another
-- one makes the supporter's pledges count again.
alter table billing_profiles add column unusable_payment_method text;
-- The first time a pledge unlocked restricted posts, and the monthly amount it had then: from
-- that moment its first period is owed, even if the pledge is paused, lowered or cancelled
-- before billing day.
alter table pledges add column unlocked_at integer;
alter table pledges add column unlocked_minor integer;

-- Receipt files uploaded for a cause's expenses: counted against the page's storage quota,
-- and removed (with the file, unless something else uses it) if never attached to an expense.
create table receipt_uploads (
    id integer primary key,
    recipient_id integer not null references recipients (id),
    name text not null,
    bytes integer not null check (bytes > 0),
    created_at integer not null,
    attached_at integer
);
create index receipt_uploads_recipient on receipt_uploads (recipient_id, name);
create index receipt_uploads_unattached on receipt_uploads (attached_at, created_at);
