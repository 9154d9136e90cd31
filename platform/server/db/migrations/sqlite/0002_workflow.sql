CREATE TABLE `activity_history` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`instance_id` text NOT NULL,
	`element_id` text NOT NULL,
	`element_kind` text NOT NULL,
	`seq` integer NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`outcome` text
);
--> statement-breakpoint
CREATE INDEX `activity_history_instance_idx` ON `activity_history` (`instance_id`,`seq`);--> statement-breakpoint
CREATE TABLE `event_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`instance_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`element_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `event_subscriptions_name_idx` ON `event_subscriptions` (`tenant_id`,`kind`,`name`);--> statement-breakpoint
CREATE INDEX `event_subscriptions_instance_idx` ON `event_subscriptions` (`instance_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`instance_id` text NOT NULL,
	`element_id` text NOT NULL,
	`service_type` text NOT NULL,
	`config` text NOT NULL,
	`variables` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`run_at` integer NOT NULL,
	`locked_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`status`,`run_at`);--> statement-breakpoint
CREATE INDEX `jobs_instance_idx` ON `jobs` (`instance_id`);--> statement-breakpoint
CREATE TABLE `process_instances` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`definition_id` text NOT NULL,
	`process_key` text NOT NULL,
	`definition_version` integer NOT NULL,
	`business_key` text,
	`status` text NOT NULL,
	`state` text NOT NULL,
	`revision` integer NOT NULL,
	`parent_instance_id` text,
	`parent_call_id` text,
	`started_by` text,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `process_instances_status_idx` ON `process_instances` (`tenant_id`,`status`);--> statement-breakpoint
CREATE INDEX `process_instances_business_idx` ON `process_instances` (`tenant_id`,`business_key`);--> statement-breakpoint
CREATE INDEX `process_instances_parent_idx` ON `process_instances` (`parent_instance_id`);--> statement-breakpoint
CREATE TABLE `task_candidates` (
	`task_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`task_id`, `kind`, `value`)
);
--> statement-breakpoint
CREATE INDEX `task_candidates_value_idx` ON `task_candidates` (`tenant_id`,`kind`,`value`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`instance_id` text NOT NULL,
	`element_id` text NOT NULL,
	`name` text,
	`status` text NOT NULL,
	`assignee_id` text,
	`candidate_roles` text NOT NULL,
	`candidate_positions` text NOT NULL,
	`candidate_org_ids` text NOT NULL,
	`form_key` text,
	`form_definition_id` text,
	`due_at` integer,
	`escalate_to` text,
	`priority` text,
	`loop_counter` integer,
	`variables` text NOT NULL,
	`created_at` integer NOT NULL,
	`claimed_at` integer,
	`completed_at` integer,
	`completed_by` text,
	`comment` text,
	`form_data` text,
	`cancel_reason` text
);
--> statement-breakpoint
CREATE INDEX `tasks_inbox_idx` ON `tasks` (`tenant_id`,`status`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `tasks_instance_idx` ON `tasks` (`instance_id`);--> statement-breakpoint
CREATE INDEX `tasks_due_idx` ON `tasks` (`tenant_id`,`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `timers` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`instance_id` text NOT NULL,
	`element_id` text NOT NULL,
	`due_at` integer NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `timers_due_idx` ON `timers` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `timers_instance_idx` ON `timers` (`instance_id`);