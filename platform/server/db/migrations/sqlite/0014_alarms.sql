CREATE TABLE `alarm_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text NOT NULL,
	`alarm_id` text NOT NULL,
	`type` text NOT NULL,
	`severity` integer,
	`actor_id` text,
	`actor_name` text,
	`at` integer NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `alarm_events_alarm_idx` ON `alarm_events` (`alarm_id`,`seq`);--> statement-breakpoint
CREATE TABLE `alarm_rule_states` (
	`tenant_id` text NOT NULL,
	`rule_key` text NOT NULL,
	`source_kind` text NOT NULL,
	`source_code` text NOT NULL,
	`rule_version` integer NOT NULL,
	`state` text,
	`alarm_id` text,
	`active_severity` integer,
	`pending` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `rule_key`, `source_kind`, `source_code`)
);
--> statement-breakpoint
CREATE INDEX `alarm_rule_states_tick_idx` ON `alarm_rule_states` (`tenant_id`,`active_severity`,`pending`);--> statement-breakpoint
CREATE TABLE `alarms` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`rule_key` text NOT NULL,
	`rule_version` integer NOT NULL,
	`rule_name` text NOT NULL,
	`severity` integer NOT NULL,
	`highest_severity` integer NOT NULL,
	`status` text NOT NULL,
	`source_kind` text NOT NULL,
	`source_code` text NOT NULL,
	`device_id` text,
	`facility_id` text,
	`module` text,
	`lng` real,
	`lat` real,
	`org_id` text,
	`district_org_id` text,
	`grid_id` text,
	`value` real,
	`values` text NOT NULL,
	`message` text NOT NULL,
	`raised_at` integer NOT NULL,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`cleared_at` integer,
	`resolved_at` integer,
	`closed_at` integer,
	`closed_by` text,
	`false_alarm` integer NOT NULL,
	`false_alarm_reason` text,
	`case_id` text,
	`process_instance_id` text,
	`process_pending` integer NOT NULL,
	`process_attempts` integer NOT NULL,
	`last_reminded_at` integer,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alarms_open_uq` ON `alarms` (`tenant_id`,`rule_key`,`source_kind`,`source_code`) WHERE status IN ('active', 'acknowledged', 'handling');--> statement-breakpoint
CREATE INDEX `alarms_raised_idx` ON `alarms` (`tenant_id`,`raised_at`);--> statement-breakpoint
CREATE INDEX `alarms_status_idx` ON `alarms` (`tenant_id`,`status`,`raised_at`);--> statement-breakpoint
CREATE INDEX `alarms_device_idx` ON `alarms` (`tenant_id`,`device_id`);--> statement-breakpoint
CREATE INDEX `alarms_facility_idx` ON `alarms` (`tenant_id`,`facility_id`);--> statement-breakpoint
CREATE INDEX `alarms_instance_idx` ON `alarms` (`process_instance_id`);--> statement-breakpoint
CREATE INDEX `alarms_pending_idx` ON `alarms` (`tenant_id`,`process_pending`);--> statement-breakpoint
ALTER TABLE `devices` ADD `thresholds` text;