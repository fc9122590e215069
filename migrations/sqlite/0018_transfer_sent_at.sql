-- When Chipin first sent a transfer to Stripe, committed before the call. A planned transfer
-- with a time may already exist at Stripe (its answer lost, its idempotency key forgotten after
-- 24 hours), so it is looked up by its transfer group before it is sent again.
alter table stripe_transfers add column first_sent_at integer;
