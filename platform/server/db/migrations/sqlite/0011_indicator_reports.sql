CREATE TABLE `indicator_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`indicator_key` text NOT NULL,
	`definition_version` integer NOT NULL,
	`region_level` text NOT NULL,
	`region_id` text NOT NULL,
	`period_kind` text NOT NULL,
	`period_start` integer NOT NULL,
	`values` text NOT NULL,
	`status` text NOT NULL,
	`submitted_by` text NOT NULL,
	`submitted_at` integer NOT NULL,
	`reviewed_by` text,
	`reviewed_at` integer,
	`review_comment` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `indicator_reports_uq` ON `indicator_reports` (`tenant_id`,`indicator_key`,`region_level`,`region_id`,`period_kind`,`period_start`);--> statement-breakpoint
CREATE INDEX `indicator_reports_status_idx` ON `indicator_reports` (`tenant_id`,`status`);