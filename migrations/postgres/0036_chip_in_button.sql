-- Tips confirmed in one click from the chip-in button: the daily limit counts them and the
-- undo link works only on them (a tip made on the page's own form keeps the billing page's
-- remove button). 0: the give form; 1: the button.
alter table tips add column via_button bigint not null default 0 check (via_button in (0, 1));
create index tips_via_button on tips (supporter_id, created_at) where via_button = 1;
