CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"code" text NOT NULL,
	"type_key" text NOT NULL,
	"entity_id" text,
	"org_id" text,
	"grid_id" text,
	"district_org_id" text,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"installed_on" text,
	"status" text NOT NULL,
	"token_hash" text,
	"last_seen_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entities" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"type_key" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"org_id" text,
	"grid_id" text,
	"district_org_id" text,
	"status" text NOT NULL,
	"geometry" jsonb NOT NULL,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"attributes" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest_rejections" (
	"tenant_id" text NOT NULL,
	"device_code" text NOT NULL,
	"reason" text NOT NULL,
	"count" integer NOT NULL,
	"last_at" timestamp (3) with time zone NOT NULL,
	"last_detail" text,
	CONSTRAINT "ingest_rejections_tenant_id_device_code_reason_pk" PRIMARY KEY("tenant_id","device_code","reason")
);
--> statement-breakpoint
CREATE TABLE "telemetry" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"device_id" text NOT NULL,
	"metric" text NOT NULL,
	"ts" bigint NOT NULL,
	"value" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "telemetry_latest" (
	"device_id" text NOT NULL,
	"metric" text NOT NULL,
	"tenant_id" text NOT NULL,
	"ts" bigint NOT NULL,
	"value" double precision NOT NULL,
	CONSTRAINT "telemetry_latest_device_id_metric_pk" PRIMARY KEY("device_id","metric")
);
--> statement-breakpoint
CREATE TABLE "telemetry_rollups" (
	"device_id" text NOT NULL,
	"metric" text NOT NULL,
	"bucket" text NOT NULL,
	"bucket_start" bigint NOT NULL,
	"tenant_id" text NOT NULL,
	"count" integer NOT NULL,
	"sum" double precision NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	CONSTRAINT "telemetry_rollups_device_id_metric_bucket_bucket_start_pk" PRIMARY KEY("device_id","metric","bucket","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "watermarks" (
	"name" text PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "devices_code_uq" ON "devices" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "devices_entity_idx" ON "devices" USING btree ("entity_id");--> statement-breakpoint
CREATE INDEX "devices_type_idx" ON "devices" USING btree ("tenant_id","type_key");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_token_uq" ON "devices" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "entities_code_uq" ON "entities" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "entities_type_idx" ON "entities" USING btree ("tenant_id","type_key");--> statement-breakpoint
CREATE INDEX "entities_district_idx" ON "entities" USING btree ("tenant_id","district_org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "telemetry_device_metric_ts_uq" ON "telemetry" USING btree ("device_id","metric","ts");