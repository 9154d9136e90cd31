-- The audit log is append-only (GB/T 22239 level 2 security audit): refuse UPDATE and DELETE.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
-- A published definition version is immutable: only the published -> retired transition may touch it.
CREATE TRIGGER definitions_published_immutable BEFORE UPDATE ON definitions
WHEN OLD.status <> 'draft' AND NOT (
  OLD.status = 'published' AND NEW.status = 'retired'
  AND NEW.content IS OLD.content AND NEW.checksum IS OLD.checksum AND NEW.version = OLD.version
  AND NEW.key = OLD.key AND NEW.kind = OLD.kind AND NEW.tenant_id = OLD.tenant_id AND NEW.name = OLD.name
)
BEGIN SELECT RAISE(ABORT, 'published definitions are immutable'); END;
--> statement-breakpoint
CREATE TRIGGER definitions_published_no_delete BEFORE DELETE ON definitions
WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'published definitions are immutable'); END;
