-- Items change status twice on their way to being paid. Index only what the scheduler looks
-- up: open items by supporter, and items by the charge they belong to once they have one.
drop index donation_items_open;
create index donation_items_pending on donation_items (supporter_id, currency) where status = 'pending';
drop index donation_items_charge;
create index donation_items_charge on donation_items (charge_id) where charge_id is not null;
