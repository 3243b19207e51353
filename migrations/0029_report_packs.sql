-- The quarterly report pack counts the requests resolved in a quarter, for the host's partnership
-- and for one partner: by when they were resolved, as the queue's indexes are by when submitted.
-- Only requests that are resolved (or closed since) have a time of resolution.
create index requests_host_resolved on requests (host_org_id, resolved_at) where resolved_at is not null;
create index requests_org_resolved on requests (org_id, resolved_at) where resolved_at is not null;
