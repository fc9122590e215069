-- A successful charge owes its supporter a receipt. The charge's transaction only notes that
-- here; the mail worker writes the email later, so billing never waits on rendering mail.
create table receipts_due (
    charge_id integer primary key references charges (id),
    created_at integer not null
);
