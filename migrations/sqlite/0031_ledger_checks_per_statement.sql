-- An item's status changes twice on its way to being paid (pending, charging, paid). On
-- PostgreSQL, with no index naming the status the second change rewrites the row in place
-- without touching any index (a HOT update); the index is the same here so that both
-- databases plan the scheduler's query alike. Open items are found as those without a charge
-- yet: an item is given its charge exactly when it leaves `pending`, and never returns to it.
-- (The PostgreSQL twin also checks journal lines and allocations once per statement instead
-- of by foreign keys; SQLite keeps its foreign keys, which cost it little.)
drop index donation_items_pending;
create index donation_items_unbilled on donation_items (supporter_id, currency) where charge_id is null;
