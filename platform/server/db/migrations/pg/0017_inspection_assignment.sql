ALTER TABLE "attachments" ADD COLUMN "inspection_task_id" text;--> statement-breakpoint
ALTER TABLE "inspection_tasks" ADD COLUMN "assignee_id" text;--> statement-breakpoint
ALTER TABLE "inspection_tasks" ADD COLUMN "assigned_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "attachments_inspection_idx" ON "attachments" USING btree ("tenant_id","inspection_task_id");--> statement-breakpoint
CREATE INDEX "inspection_tasks_assignee_idx" ON "inspection_tasks" USING btree ("tenant_id","assignee_id","status");