CREATE TABLE `attachments` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`uploaded_by` text NOT NULL,
	`uploaded_at` integer NOT NULL,
	`case_id` text,
	`stage` text
);
--> statement-breakpoint
CREATE INDEX `attachments_case_idx` ON `attachments` (`tenant_id`,`case_id`);