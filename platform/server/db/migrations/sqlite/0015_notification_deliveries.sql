CREATE TABLE `notification_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`source_key` text NOT NULL,
	`channel` text NOT NULL,
	`config` text,
	`title` text NOT NULL,
	`body` text,
	`link` text,
	`severity` integer,
	`user_ids` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`run_at` integer NOT NULL,
	`locked_until` integer,
	`last_error` text,
	`result` text,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_deliveries_source_channel_uq` ON `notification_deliveries` (`source_key`,`channel`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_due_idx` ON `notification_deliveries` (`status`,`run_at`);