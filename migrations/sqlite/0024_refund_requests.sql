-- A supporter's request for a refund of one donation, made from its trail page within the
-- window after the charge (REFUND_REQUEST_DAYS). "The whole charge was a mistake" makes one
-- request per donation of the charge, sharing `whole_charge`; each page's owner answers for
-- their donations. The supporter is the charge's, so nothing here names a person.
create table refund_requests (
    id integer primary key,
    item_id integer not null references donation_items (id),
    charge_id integer not null references charges (id),
    recipient_id integer not null references recipients (id),
    whole_charge integer not null default 0 check (whole_charge in (0, 1)),
    reason text not null,
    -- 'open'; 'refunded' once the donation is refunded (by approving it or any other way);
    -- 'declined' with the owner's reason.
    status text not null default 'open' check (status in ('open', 'refunded', 'declined')),
    decline_reason text not null default '',
    created_at integer not null,
    decided_at integer
);
-- One open request per donation.
create unique index refund_requests_open on refund_requests (item_id) where status = 'open';
create index refund_requests_recipient on refund_requests (recipient_id, status);

-- When the evidence for a dispute is due (Stripe's `evidence_details.due_by`), shown to the
-- owners of the pages it touches.
alter table disputes add column evidence_due_by integer;
