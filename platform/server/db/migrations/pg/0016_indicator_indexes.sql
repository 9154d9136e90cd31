CREATE INDEX "cases_registered_idx" ON "cases" USING btree ("tenant_id","registered_at");--> statement-breakpoint
CREATE INDEX "cases_dispatched_idx" ON "cases" USING btree ("tenant_id","dispatched_at");--> statement-breakpoint
CREATE INDEX "telemetry_rollups_day_idx" ON "telemetry_rollups" USING btree ("device_id","bucket_start") WHERE bucket = 'day';