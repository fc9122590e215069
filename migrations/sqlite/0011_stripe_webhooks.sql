-- Stripe webhooks: every event is recorded once, in the transaction that applies it; disputes
-- freeze the recipient amounts of their charge; Connect accounts report their status.

create table stripe_events (
    id text primary key,
    type text not null,
    created integer not null,
    received_at integer not null,
    -- What Chipin did with it: 'applied', 'ignored: …', 'unknown type', …
    outcome text not null
);
create index stripe_events_received on stripe_events (received_at);

-- A chargeback. `charge_id` is Chipin's charge when the dispute's PaymentIntent is one of
-- ours; a dispute Chipin cannot match is still recorded for the operator.
create table disputes (
    id integer primary key,
    dispute_ref text not null unique,
    charge_id integer references charges (id),
    payment_intent text,
    amount_minor integer not null,
    currency text not null,
    reason text not null default '',
    status text not null,
    created integer not null,
    updated_at integer not null
);
create index disputes_charge on disputes (charge_id);

-- Webhooks find charges by their PaymentIntent; a refund is settled once per processor refund.
create index charges_processor_ref on charges (processor_ref);
create unique index refunds_processor_ref on refunds (processor_ref);

alter table recipients add column stripe_account_id text;
alter table recipients add column stripe_charges_enabled integer check (stripe_charges_enabled in (0, 1));
alter table recipients add column stripe_payouts_enabled integer check (stripe_payouts_enabled in (0, 1));
-- The `created` instant of the account event last applied, so an older one arriving late
-- does not overwrite a newer status.
alter table recipients add column stripe_account_synced_at integer;
create unique index recipients_stripe_account on recipients (stripe_account_id);
