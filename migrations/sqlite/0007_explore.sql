-- Indexes for the public side: the explore list ordered by recency (overall and per kind),
-- and the places taken in a limited tier.
create index recipients_created on recipients (created_at, id);
create index recipients_kind_created on recipients (kind, created_at, id);
create index pledges_tier on pledges (tier_id, status);
