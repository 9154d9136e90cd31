ALTER TABLE `attachments` ADD `inspection_task_id` text;--> statement-breakpoint
CREATE INDEX `attachments_inspection_idx` ON `attachments` (`tenant_id`,`inspection_task_id`);--> statement-breakpoint
ALTER TABLE `inspection_tasks` ADD `assignee_id` text;--> statement-breakpoint
ALTER TABLE `inspection_tasks` ADD `assigned_at` integer;--> statement-breakpoint
CREATE INDEX `inspection_tasks_assignee_idx` ON `inspection_tasks` (`tenant_id`,`assignee_id`,`status`);