-- Stripe Connect payouts: Express accounts for recipients, transfers from the platform balance,
-- and payouts whose transfer failed or was reversed returning their shares to unpaid.

-- Whether the recipient finished Stripe's onboarding (with charges/payouts enabled, from 0011).
alter table recipients add column stripe_details_submitted integer check (stripe_details_submitted in (0, 1));

-- The Stripe charge (`ch_…`) of a consolidated charge's PaymentIntent, looked up when a
-- transfer of its money names it as `source_transaction`.
alter table charges add column processor_charge_ref text;

-- A payout that did not reach its recipient (a transfer refused or reversed): its journal
-- entry is reversed and its shares no longer count as paid. Like a corrected expense, the
-- row and its shares stay as history.
alter table payouts add column returned_at integer;
alter table payouts add column return_entry_id integer references journal_entries (id);
alter table payouts add column return_reason text;

-- One Stripe transfer per payout, paying the shares of one source charge. Committed (status
-- 'planned', with its idempotency key) before Stripe is called, so a restart sends the same
-- request again and Stripe answers with the transfer it already made.
create table stripe_transfers (
    id integer primary key,
    payout_id integer not null unique references payouts (id),
    recipient_id integer not null references recipients (id),
    charge_id integer references charges (id),
    destination text not null,
    source_transaction text,
    currency text not null,
    amount_minor integer not null check (amount_minor > 0),
    idempotency_key text not null unique,
    status text not null check (status in ('planned', 'sent', 'failed', 'reversed')),
    transfer_ref text unique,
    failure_reason text,
    attempts integer not null default 0,
    last_error text,
    created_at integer not null,
    updated_at integer not null
);
create index stripe_transfers_status on stripe_transfers (status, id);
create index stripe_transfers_recipient on stripe_transfers (recipient_id, id);

-- A returned payout's shares are free again, so only live payouts count against an item's net.
drop trigger payout_shares_within_net;
create trigger payout_shares_within_net after insert on payout_shares
when (select coalesce(sum(s.amount_minor), 0) from payout_shares s join payouts p on p.id = s.payout_id
      where s.item_id = new.item_id and p.returned_at is null)
     > (select net_minor from allocations where item_id = new.item_id)
  or (select coalesce(sum(s.amount_minor), 0) from payout_shares s join payouts p on p.id = s.payout_id
      where s.item_id = new.item_id and p.returned_at is null) < 0
begin select raise(abort, 'a donation''s net share would be paid out twice'); end;
