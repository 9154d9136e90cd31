CREATE TABLE "indicator_values" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"indicator_key" text NOT NULL,
	"definition_id" text NOT NULL,
	"definition_version" integer NOT NULL,
	"region_level" text NOT NULL,
	"region_id" text NOT NULL,
	"period_kind" text NOT NULL,
	"period_start" timestamp (3) with time zone NOT NULL,
	"period_end" timestamp (3) with time zone NOT NULL,
	"value" double precision,
	"status" text NOT NULL,
	"inputs" jsonb NOT NULL,
	"computed_at" timestamp (3) with time zone NOT NULL,
	"computed_by" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "indicator_values_uq" ON "indicator_values" USING btree ("tenant_id","indicator_key","region_level","region_id","period_kind","period_start");