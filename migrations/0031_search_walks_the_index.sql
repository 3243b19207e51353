-- A search for a common word walks an index alone.
--
-- A word too common to sort its matches (searched-page.ts) is found by walking the list's or the
-- queue's index in order and testing each row's words. The words were in the table, so every row
-- passed over was a random read of the table: on a million requests, thirteen thousand reads for a
-- word found once in five hundred at the front, a third of a second when they are not in memory.
-- The indexes the walks take now carry the words (and the columns row level security tests), so a
-- walk reads the index alone: an index-only scan, wherever the table's pages are all visible.

drop index request_work_queue;
create index request_work_queue on request_work (org_id, due_at, request_id) include (search) where active;

drop index requests_host_submitted;
create index requests_host_submitted on requests (host_org_id, submitted_at desc, id desc)
  include (org_id, search);

drop index requests_org_submitted;
create index requests_org_submitted on requests (org_id, submitted_at desc, id desc)
  include (host_org_id, search);
