CREATE TABLE "activity_history" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"element_id" text NOT NULL,
	"element_kind" text NOT NULL,
	"seq" integer NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"outcome" text
);
--> statement-breakpoint
CREATE TABLE "event_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"element_id" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"element_id" text NOT NULL,
	"service_type" text NOT NULL,
	"config" jsonb NOT NULL,
	"variables" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer NOT NULL,
	"run_at" timestamp (3) with time zone NOT NULL,
	"locked_until" timestamp (3) with time zone,
	"last_error" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "process_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"definition_id" text NOT NULL,
	"process_key" text NOT NULL,
	"definition_version" integer NOT NULL,
	"business_key" text,
	"status" text NOT NULL,
	"state" jsonb NOT NULL,
	"revision" integer NOT NULL,
	"parent_instance_id" text,
	"parent_call_id" text,
	"started_by" text,
	"started_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_candidates" (
	"task_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "task_candidates_task_id_kind_value_pk" PRIMARY KEY("task_id","kind","value")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"element_id" text NOT NULL,
	"name" text,
	"status" text NOT NULL,
	"assignee_id" text,
	"candidate_roles" jsonb NOT NULL,
	"candidate_positions" jsonb NOT NULL,
	"candidate_org_ids" jsonb NOT NULL,
	"form_key" text,
	"form_definition_id" text,
	"due_at" timestamp (3) with time zone,
	"escalate_to" text,
	"priority" jsonb,
	"loop_counter" integer,
	"variables" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"claimed_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	"completed_by" text,
	"comment" text,
	"form_data" jsonb,
	"cancel_reason" text
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"element_id" text NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"status" text NOT NULL,
	"attempts" integer NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE INDEX "activity_history_instance_idx" ON "activity_history" USING btree ("instance_id","seq");--> statement-breakpoint
CREATE INDEX "event_subscriptions_name_idx" ON "event_subscriptions" USING btree ("tenant_id","kind","name");--> statement-breakpoint
CREATE INDEX "event_subscriptions_instance_idx" ON "event_subscriptions" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "jobs_due_idx" ON "jobs" USING btree ("status","run_at");--> statement-breakpoint
CREATE INDEX "jobs_instance_idx" ON "jobs" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "process_instances_status_idx" ON "process_instances" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "process_instances_business_idx" ON "process_instances" USING btree ("tenant_id","business_key");--> statement-breakpoint
CREATE INDEX "process_instances_parent_idx" ON "process_instances" USING btree ("parent_instance_id");--> statement-breakpoint
CREATE INDEX "task_candidates_value_idx" ON "task_candidates" USING btree ("tenant_id","kind","value");--> statement-breakpoint
CREATE INDEX "tasks_inbox_idx" ON "tasks" USING btree ("tenant_id","status","assignee_id");--> statement-breakpoint
CREATE INDEX "tasks_instance_idx" ON "tasks" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "tasks_due_idx" ON "tasks" USING btree ("tenant_id","status","due_at");--> statement-breakpoint
CREATE INDEX "timers_due_idx" ON "timers" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "timers_instance_idx" ON "timers" USING btree ("instance_id");