-- The audit log is append-only (GB/T 22239 level 2 security audit): refuse UPDATE and DELETE.
CREATE OR REPLACE FUNCTION tongguan_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION tongguan_refuse_change();
--> statement-breakpoint
-- A published definition version is immutable: only the published -> retired transition may touch it.
CREATE OR REPLACE FUNCTION tongguan_definitions_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN RAISE EXCEPTION 'published definitions are immutable'; END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND NOT (
    OLD.status = 'published' AND NEW.status = 'retired'
    AND NEW.content IS NOT DISTINCT FROM OLD.content AND NEW.checksum IS NOT DISTINCT FROM OLD.checksum
    AND NEW.version = OLD.version AND NEW.key = OLD.key AND NEW.kind = OLD.kind
    AND NEW.tenant_id = OLD.tenant_id AND NEW.name = OLD.name
  ) THEN
    RAISE EXCEPTION 'published definitions are immutable';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER definitions_immutable BEFORE UPDATE OR DELETE ON definitions
FOR EACH ROW EXECUTE FUNCTION tongguan_definitions_guard();
