-- The billing run writes a batch at a time: per 1,000,000 donation items, 3,000,000 journal
-- lines, 1,000,000 allocations, and the items themselves (a pledge's period is inserted and
-- then given its charge in the same transaction, which PostgreSQL checks a second time). A
-- foreign key checks each of those rows with a query of its own (and locks the row it names):
-- close to half the time of these statements. The same guarantees are kept here, checked once
-- per statement over the rows it added:
--
-- - every journal line names an entry that exists and, if any, a donation item that exists;
-- - every allocation names a donation item, a charge and a recipient that exist;
-- - every donation item names a supporter, a recipient and, if any, a pledge, a tip and a
--   budget line that exist.
--
-- A foreign key also stops the row it names from being deleted or renumbered later. Journal
-- entries are append-only already (0003); the other rows named here (users, recipients,
-- pledges, tips, budget lines, donation items, charges) are records of money and are never
-- deleted or renumbered either (an item is voided, a charge fails, a pledge is cancelled, an
-- erased account is anonymised), and from here on the database refuses both. So nothing a
-- line, an allocation or an item names can disappear, and no row of another transaction that
-- is not yet committed can be named: a check sees only committed rows and its own
-- transaction's. The names themselves cannot change either (see the `*_keys_fixed` triggers).

alter table journal_lines drop constraint journal_lines_entry_id_fkey,
    drop constraint journal_lines_item_id_fkey;
alter table allocations drop constraint allocations_item_id_fkey,
    drop constraint allocations_charge_id_fkey, drop constraint allocations_recipient_id_fkey;
alter table donation_items drop constraint donation_items_supporter_id_fkey,
    drop constraint donation_items_recipient_id_fkey, drop constraint donation_items_pledge_id_fkey,
    drop constraint donation_items_tip_id_fkey, drop constraint donation_items_budget_line_id_fkey;

-- Balance per entry and currency (as in 0006), plus the entries and items the lines name.
create or replace function journal_entries_balance() returns trigger language plpgsql as $$
declare
    bad bigint;
begin
    select a.entry_id into bad
    from (select distinct entry_id from added) a
    where not exists (select 1 from journal_entries e where e.id = a.entry_id)
    limit 1;
    if found then
        raise foreign_key_violation using message =
            format('journal line names entry %s, which does not exist', bad);
    end if;
    select a.item_id into bad
    from (select distinct item_id from added where item_id is not null) a
    where not exists (select 1 from donation_items i where i.id = a.item_id)
    limit 1;
    if found then
        raise foreign_key_violation using message =
            format('journal line names donation item %s, which does not exist', bad);
    end if;
    select l.entry_id into bad
    from journal_lines l
    where l.entry_id in (select distinct entry_id from added)
    group by l.entry_id, l.currency
    having sum(l.amount_minor) <> 0
    limit 1;
    if bad is not null then
        raise exception 'journal entry % does not balance', bad;
    end if;
    return null;
end $$;

create function allocations_name_what_exists() returns trigger language plpgsql as $$
declare
    bad bigint;
begin
    select a.item_id into bad from added a
    where not exists (select 1 from donation_items i where i.id = a.item_id) limit 1;
    if found then
        raise foreign_key_violation using message =
            format('allocation names donation item %s, which does not exist', bad);
    end if;
    select a.charge_id into bad from (select distinct charge_id from added) a
    where not exists (select 1 from charges c where c.id = a.charge_id) limit 1;
    if found then
        raise foreign_key_violation using message =
            format('allocation names charge %s, which does not exist', bad);
    end if;
    select a.recipient_id into bad from (select distinct recipient_id from added) a
    where not exists (select 1 from recipients r where r.id = a.recipient_id) limit 1;
    if found then
        raise foreign_key_violation using message =
            format('allocation names recipient %s, which does not exist', bad);
    end if;
    return null;
end $$;
create trigger allocations_name_what_exists after insert on allocations
    referencing new table as added
    for each statement execute function allocations_name_what_exists();

-- What an allocation names is fixed once written (refunds change only its refund columns).
create function allocations_keys_fixed() returns trigger language plpgsql as $$
begin
    if new.item_id <> old.item_id or new.charge_id <> old.charge_id
       or new.recipient_id <> old.recipient_id then
        raise exception 'an allocation''s item, charge and recipient cannot change';
    end if;
    return new;
end $$;
create trigger allocations_keys_fixed before update of item_id, charge_id, recipient_id
    on allocations for each row execute function allocations_keys_fixed();

create function donation_items_name_what_exists() returns trigger language plpgsql as $$
declare
    bad bigint;
begin
    select a.supporter_id into bad from (select distinct supporter_id from added) a
    where not exists (select 1 from users u where u.id = a.supporter_id) limit 1;
    if found then
        raise foreign_key_violation using message =
            format('donation item names supporter %s, who does not exist', bad);
    end if;
    select a.recipient_id into bad from (select distinct recipient_id from added) a
    where not exists (select 1 from recipients r where r.id = a.recipient_id) limit 1;
    if found then
        raise foreign_key_violation using message =
            format('donation item names recipient %s, which does not exist', bad);
    end if;
    select a.pledge_id into bad from added a
    where a.pledge_id is not null
      and not exists (select 1 from pledges p where p.id = a.pledge_id) limit 1;
    if found then
        raise foreign_key_violation using message =
            format('donation item names pledge %s, which does not exist', bad);
    end if;
    select a.tip_id into bad from added a
    where a.tip_id is not null
      and not exists (select 1 from tips t where t.id = a.tip_id) limit 1;
    if found then
        raise foreign_key_violation using message =
            format('donation item names tip %s, which does not exist', bad);
    end if;
    select a.budget_line_id into bad from (select distinct budget_line_id from added) a
    where a.budget_line_id is not null
      and not exists (select 1 from budget_lines b where b.id = a.budget_line_id) limit 1;
    if found then
        raise foreign_key_violation using message =
            format('donation item names budget line %s, which does not exist', bad);
    end if;
    return null;
end $$;
create trigger donation_items_name_what_exists after insert on donation_items
    referencing new table as added
    for each statement execute function donation_items_name_what_exists();

-- Whom and what an item is for is fixed once written (its status and charge change).
create function donation_items_keys_fixed() returns trigger language plpgsql as $$
begin
    if new.supporter_id <> old.supporter_id or new.recipient_id <> old.recipient_id
       or new.pledge_id is distinct from old.pledge_id or new.tip_id is distinct from old.tip_id
       or new.budget_line_id is distinct from old.budget_line_id then
        raise exception 'a donation item''s supporter, recipient, pledge, tip and budget line cannot change';
    end if;
    return new;
end $$;
create trigger donation_items_keys_fixed
    before update of supporter_id, recipient_id, pledge_id, tip_id, budget_line_id
    on donation_items for each row execute function donation_items_keys_fixed();

-- Records of money are kept: never deleted, never renumbered.
create function records_are_kept() returns trigger language plpgsql as $$
begin
    raise exception '% rows are kept for the books: they cannot be deleted or renumbered', tg_table_name;
end $$;
create trigger donation_items_kept before delete or truncate on donation_items
    for each statement execute function records_are_kept();
create trigger donation_items_ids_fixed before update of id on donation_items
    for each statement execute function records_are_kept();
create trigger charges_kept before delete or truncate on charges
    for each statement execute function records_are_kept();
create trigger charges_ids_fixed before update of id on charges
    for each statement execute function records_are_kept();
create trigger recipients_kept before delete or truncate on recipients
    for each statement execute function records_are_kept();
create trigger recipients_ids_fixed before update of id on recipients
    for each statement execute function records_are_kept();
create trigger users_kept before delete or truncate on users
    for each statement execute function records_are_kept();
create trigger users_ids_fixed before update of id on users
    for each statement execute function records_are_kept();
create trigger pledges_kept before delete or truncate on pledges
    for each statement execute function records_are_kept();
create trigger pledges_ids_fixed before update of id on pledges
    for each statement execute function records_are_kept();
create trigger tips_kept before delete or truncate on tips
    for each statement execute function records_are_kept();
create trigger tips_ids_fixed before update of id on tips
    for each statement execute function records_are_kept();
create trigger budget_lines_kept before delete or truncate on budget_lines
    for each statement execute function records_are_kept();
create trigger budget_lines_ids_fixed before update of id on budget_lines
    for each statement execute function records_are_kept();

-- An item's status changes twice on its way to being paid (pending, charging, paid). With no
-- index naming the status, the second change is a HOT update: the row is rewritten in place
-- and no index is touched. Open items are found as those without a charge yet: an item is
-- given its charge exactly when it leaves `pending`, and never returns to it.
drop index donation_items_pending;
create index donation_items_unbilled on donation_items (supporter_id, currency) where charge_id is null;

-- Room on each page for an item's next version, so that change is made in place too (the
-- status change that names a charge still updates the charge index), and for a charge's claim
-- (which touches no indexed column) the same way.
alter table donation_items set (fillfactor = 70);
alter table charges set (fillfactor = 70);
