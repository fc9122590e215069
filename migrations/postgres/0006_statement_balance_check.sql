-- Every entry balances per currency, checked once per statement that adds lines instead of
-- once per line at commit: an entry's lines are written in one statement, and a batch of
-- thousands of entries is checked with one grouped query over the lines it added.
drop trigger journal_lines_balance on journal_lines;
drop function journal_entry_balances();

create function journal_entries_balance() returns trigger language plpgsql as $$
declare
    bad bigint;
begin
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
create trigger journal_lines_balance after insert on journal_lines
    referencing new table as added
    for each statement execute function journal_entries_balance();
