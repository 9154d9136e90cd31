ALTER TABLE `cases` ADD `registered_at` integer;--> statement-breakpoint
ALTER TABLE `cases` ADD `dispatched_at` integer;--> statement-breakpoint
ALTER TABLE `cases` ADD `handled_at` integer;--> statement-breakpoint
ALTER TABLE `cases` ADD `return_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `rework_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `extension_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `supervision_count` integer DEFAULT 0 NOT NULL;