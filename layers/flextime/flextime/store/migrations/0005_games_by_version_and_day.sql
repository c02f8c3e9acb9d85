-- "One week of every sport" starts from the few published versions and range-scans each
-- version's games by day: index (tenant, version, day) instead of (tenant, day), which made
-- the week query read every draft's games of those days too.
CREATE INDEX games_by_version_day ON games (tenant_id, schedule_id, day);
DROP INDEX games_by_day;
