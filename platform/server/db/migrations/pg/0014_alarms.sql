CREATE TABLE "alarm_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"alarm_id" text NOT NULL,
	"type" text NOT NULL,
	"severity" integer,
	"actor_id" text,
	"actor_name" text,
	"at" timestamp (3) with time zone NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
CREATE TABLE "alarm_rule_states" (
	"tenant_id" text NOT NULL,
	"rule_key" text NOT NULL,
	"source_kind" text NOT NULL,
	"source_code" text NOT NULL,
	"rule_version" integer NOT NULL,
	"state" jsonb,
	"alarm_id" text,
	"active_severity" integer,
	"pending" boolean NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "alarm_rule_states_tenant_id_rule_key_source_kind_source_code_pk" PRIMARY KEY("tenant_id","rule_key","source_kind","source_code")
);
--> statement-breakpoint
CREATE TABLE "alarms" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"rule_key" text NOT NULL,
	"rule_version" integer NOT NULL,
	"rule_name" text NOT NULL,
	"severity" integer NOT NULL,
	"highest_severity" integer NOT NULL,
	"status" text NOT NULL,
	"source_kind" text NOT NULL,
	"source_code" text NOT NULL,
	"device_id" text,
	"facility_id" text,
	"module" text,
	"lng" double precision,
	"lat" double precision,
	"org_id" text,
	"district_org_id" text,
	"grid_id" text,
	"value" double precision,
	"values" jsonb NOT NULL,
	"message" text NOT NULL,
	"raised_at" timestamp (3) with time zone NOT NULL,
	"acknowledged_at" timestamp (3) with time zone,
	"acknowledged_by" text,
	"cleared_at" timestamp (3) with time zone,
	"resolved_at" timestamp (3) with time zone,
	"closed_at" timestamp (3) with time zone,
	"closed_by" text,
	"false_alarm" boolean NOT NULL,
	"false_alarm_reason" text,
	"case_id" text,
	"process_instance_id" text,
	"process_pending" boolean NOT NULL,
	"process_attempts" integer NOT NULL,
	"last_reminded_at" timestamp (3) with time zone,
	"version" integer NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "thresholds" jsonb;--> statement-breakpoint
CREATE INDEX "alarm_events_alarm_idx" ON "alarm_events" USING btree ("alarm_id","seq");--> statement-breakpoint
CREATE INDEX "alarm_rule_states_tick_idx" ON "alarm_rule_states" USING btree ("tenant_id","active_severity","pending");--> statement-breakpoint
CREATE UNIQUE INDEX "alarms_open_uq" ON "alarms" USING btree ("tenant_id","rule_key","source_kind","source_code") WHERE status IN ('active', 'acknowledged', 'handling');--> statement-breakpoint
CREATE INDEX "alarms_raised_idx" ON "alarms" USING btree ("tenant_id","raised_at");--> statement-breakpoint
CREATE INDEX "alarms_status_idx" ON "alarms" USING btree ("tenant_id","status","raised_at");--> statement-breakpoint
CREATE INDEX "alarms_device_idx" ON "alarms" USING btree ("tenant_id","device_id");--> statement-breakpoint
CREATE INDEX "alarms_facility_idx" ON "alarms" USING btree ("tenant_id","facility_id");--> statement-breakpoint
CREATE INDEX "alarms_instance_idx" ON "alarms" USING btree ("process_instance_id");--> statement-breakpoint
CREATE INDEX "alarms_pending_idx" ON "alarms" USING btree ("tenant_id","process_pending");