CREATE TABLE "case_sequences" (
	"tenant_id" text NOT NULL,
	"period" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "case_sequences_tenant_id_period_pk" PRIMARY KEY("tenant_id","period")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"case_number" text NOT NULL,
	"source" text NOT NULL,
	"category_code" text NOT NULL,
	"category_kind" text NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"address" text,
	"lng" double precision,
	"lat" double precision,
	"grid_id" text,
	"org_id" text,
	"district_org_id" text,
	"responsible_unit_id" text,
	"status" text NOT NULL,
	"deadline_hours" double precision NOT NULL,
	"due_at" timestamp (3) with time zone,
	"process_instance_id" text NOT NULL,
	"reported_by" text,
	"reported_at" timestamp (3) with time zone NOT NULL,
	"closed_at" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "cases_number_uq" ON "cases" USING btree ("tenant_id","case_number");--> statement-breakpoint
CREATE INDEX "cases_status_idx" ON "cases" USING btree ("tenant_id","status","reported_at");--> statement-breakpoint
CREATE INDEX "cases_org_idx" ON "cases" USING btree ("tenant_id","org_id");--> statement-breakpoint
CREATE INDEX "cases_instance_idx" ON "cases" USING btree ("process_instance_id");