CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`code` text NOT NULL,
	`type_key` text NOT NULL,
	`entity_id` text,
	`org_id` text,
	`grid_id` text,
	`district_org_id` text,
	`lng` real NOT NULL,
	`lat` real NOT NULL,
	`installed_on` text,
	`status` text NOT NULL,
	`token_hash` text,
	`last_seen_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_code_uq` ON `devices` (`tenant_id`,`code`);--> statement-breakpoint
CREATE INDEX `devices_entity_idx` ON `devices` (`entity_id`);--> statement-breakpoint
CREATE INDEX `devices_type_idx` ON `devices` (`tenant_id`,`type_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `devices_token_uq` ON `devices` (`token_hash`);--> statement-breakpoint
CREATE TABLE `entities` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`type_key` text NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`org_id` text,
	`grid_id` text,
	`district_org_id` text,
	`status` text NOT NULL,
	`geometry` text NOT NULL,
	`lng` real NOT NULL,
	`lat` real NOT NULL,
	`attributes` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entities_code_uq` ON `entities` (`tenant_id`,`code`);--> statement-breakpoint
CREATE INDEX `entities_type_idx` ON `entities` (`tenant_id`,`type_key`);--> statement-breakpoint
CREATE INDEX `entities_district_idx` ON `entities` (`tenant_id`,`district_org_id`);--> statement-breakpoint
CREATE TABLE `ingest_rejections` (
	`tenant_id` text NOT NULL,
	`device_code` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	`last_at` integer NOT NULL,
	`last_detail` text,
	PRIMARY KEY(`tenant_id`, `device_code`, `reason`)
);
--> statement-breakpoint
CREATE TABLE `telemetry` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text NOT NULL,
	`device_id` text NOT NULL,
	`metric` text NOT NULL,
	`ts` integer NOT NULL,
	`value` real NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `telemetry_device_metric_ts_uq` ON `telemetry` (`device_id`,`metric`,`ts`);--> statement-breakpoint
CREATE TABLE `telemetry_latest` (
	`device_id` text NOT NULL,
	`metric` text NOT NULL,
	`tenant_id` text NOT NULL,
	`ts` integer NOT NULL,
	`value` real NOT NULL,
	PRIMARY KEY(`device_id`, `metric`)
);
--> statement-breakpoint
CREATE TABLE `telemetry_rollups` (
	`device_id` text NOT NULL,
	`metric` text NOT NULL,
	`bucket` text NOT NULL,
	`bucket_start` integer NOT NULL,
	`tenant_id` text NOT NULL,
	`count` integer NOT NULL,
	`sum` real NOT NULL,
	`min` real NOT NULL,
	`max` real NOT NULL,
	PRIMARY KEY(`device_id`, `metric`, `bucket`, `bucket_start`)
);
--> statement-breakpoint
CREATE TABLE `watermarks` (
	`name` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
