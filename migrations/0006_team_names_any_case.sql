-- A line's team names are unique whatever their case. The application checks this in the statement
-- that adds a team; this index makes the database refuse it too, so that two people adding "Print"
-- and "print" at the same moment cannot both succeed.
create unique index service_line_teams_name_any_case on service_line_teams (service_line_id, lower(name));
