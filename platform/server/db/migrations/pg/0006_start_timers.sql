CREATE TABLE "start_timers" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"definition_id" text NOT NULL,
	"process_key" text NOT NULL,
	"element_id" text NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"cycle_duration" text,
	"remaining" integer,
	"status" text NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE INDEX "start_timers_due_idx" ON "start_timers" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "start_timers_definition_idx" ON "start_timers" USING btree ("definition_id");