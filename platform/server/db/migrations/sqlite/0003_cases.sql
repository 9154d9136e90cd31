CREATE TABLE `case_sequences` (
	`tenant_id` text NOT NULL,
	`period` text NOT NULL,
	`last` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `period`)
);
--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`case_number` text NOT NULL,
	`source` text NOT NULL,
	`category_code` text NOT NULL,
	`category_kind` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`address` text,
	`lng` real,
	`lat` real,
	`grid_id` text,
	`org_id` text,
	`district_org_id` text,
	`responsible_unit_id` text,
	`status` text NOT NULL,
	`deadline_hours` real NOT NULL,
	`due_at` integer,
	`process_instance_id` text NOT NULL,
	`reported_by` text,
	`reported_at` integer NOT NULL,
	`closed_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_number_uq` ON `cases` (`tenant_id`,`case_number`);--> statement-breakpoint
CREATE INDEX `cases_status_idx` ON `cases` (`tenant_id`,`status`,`reported_at`);--> statement-breakpoint
CREATE INDEX `cases_org_idx` ON `cases` (`tenant_id`,`org_id`);--> statement-breakpoint
CREATE INDEX `cases_instance_idx` ON `cases` (`process_instance_id`);