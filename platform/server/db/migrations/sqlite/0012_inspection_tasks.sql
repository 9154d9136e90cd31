CREATE TABLE `inspection_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`indicator_key` text NOT NULL,
	`basis_key` text NOT NULL,
	`period_kind` text NOT NULL,
	`period_start` integer NOT NULL,
	`grid_id` text NOT NULL,
	`org_id` text NOT NULL,
	`district_org_id` text,
	`checklist` text NOT NULL,
	`status` text NOT NULL,
	`points` text,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`completed_at` integer,
	`completed_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inspection_tasks_uq` ON `inspection_tasks` (`tenant_id`,`indicator_key`,`basis_key`,`period_kind`,`period_start`,`grid_id`);--> statement-breakpoint
CREATE INDEX `inspection_tasks_org_idx` ON `inspection_tasks` (`tenant_id`,`org_id`,`status`);