-- Budget lines of a cause (e.g. "Hosting", "Events") and donors' earmarks: a pledge or a
-- tip may be earmarked to one active line of its cause, and every donation item it produces
-- carries the earmark. An expense may name a line; it spends that line's earmarked money
-- first, then unearmarked money, and never money earmarked to another line.
create table budget_lines (
    id integer primary key,
    recipient_id integer not null references recipients (id),
    name text not null,
    description text not null default '',
    retired_at integer,
    created_at integer not null
);
create unique index budget_lines_name on budget_lines (recipient_id, lower(name));

alter table pledges add column budget_line_id integer references budget_lines (id);
alter table donation_items add column budget_line_id integer references budget_lines (id);
alter table expenses add column budget_line_id integer references budget_lines (id);
create index donation_items_budget_line on donation_items (budget_line_id);

-- An expense share only ever uses unearmarked money or money earmarked to the expense's own
-- line.
create trigger expense_shares_respect_earmarks after insert on expense_shares
when (select i.budget_line_id from donation_items i where i.id = new.item_id) is not null
 and (select i.budget_line_id from donation_items i where i.id = new.item_id)
     is not (select e.budget_line_id from expenses e where e.id = new.expense_id)
begin select raise(abort, 'an expense would spend money earmarked to another budget line'); end;
