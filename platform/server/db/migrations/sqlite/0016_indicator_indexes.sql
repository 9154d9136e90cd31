CREATE INDEX `cases_registered_idx` ON `cases` (`tenant_id`,`registered_at`);--> statement-breakpoint
CREATE INDEX `cases_dispatched_idx` ON `cases` (`tenant_id`,`dispatched_at`);--> statement-breakpoint
CREATE INDEX `telemetry_rollups_day_idx` ON `telemetry_rollups` (`device_id`,`bucket_start`) WHERE bucket = 'day';