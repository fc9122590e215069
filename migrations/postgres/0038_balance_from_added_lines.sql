-- An entry's balance is checked from the lines the statement added, without reading the
-- journal again. Every statement that adds lines is checked (0006), so before it each entry
-- balances in each currency; after it an entry's sum is the sum of its lines just added, and
-- it balances exactly when those do. Reading the entry's lines back through the index cost a
-- quarter of the time of writing them (a billing run writes millions).
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
    select entry_id into bad
    from added
    group by entry_id, currency
    having sum(amount_minor) <> 0
    limit 1;
    if bad is not null then
        raise exception 'journal entry % does not balance', bad;
    end if;
    return null;
end $$;
