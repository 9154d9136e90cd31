/**
 * Cases (案件): the record the closed loop works on. The workflow (process instance) drives a
 * case; the case row keeps what people search and report on — number, source, category,
 * location and grid, responsible unit, status, deadline — so lists and indicators never have to
 * open process state.
 */
import type { SchemaKit } from './schema-kit.server.ts';
import type { CaseStatus } from '@tongguan/runtime/cases/case-lifecycle';

export function defineCaseSchema(k: SchemaKit) {
  const cases = k.table('cases', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    caseNumber: k.text('case_number').notNull(),
    /** Dictionary case-sources: inspector, public, hotline12345, hotline12319, video, sensor, leader… */
    source: k.text('source').notNull(),
    /** Dictionary case-categories: 部件 (part) / 事件 (event) 大类/小类 code. */
    categoryCode: k.text('category_code').notNull(),
    categoryKind: k.text('category_kind').$type<'part' | 'event'>().notNull(),
    title: k.text('title').notNull(),
    description: k.text('description').notNull(),
    address: k.text('address'),
    lng: k.real('lng'),
    lat: k.real('lat'),
    gridId: k.text('grid_id'),
    /** The organisation the grid belongs to (community/street), for data scope. */
    orgId: k.text('org_id'),
    /** The district above it: verification goes to its inspectors. */
    districtOrgId: k.text('district_org_id'),
    responsibleUnitId: k.text('responsible_unit_id'),
    status: k.text('status').$type<CaseStatus>().notNull(),
    /** Handling limit in working hours (per category, extended by approved 申请延期). */
    deadlineHours: k.real('deadline_hours').notNull(),
    /** When the current handling task is due (working hours, working calendar). */
    dueAt: k.timestamp('due_at'),
    processInstanceId: k.text('process_instance_id').notNull(),
    reportedBy: k.text('reported_by'),
    reportedAt: k.timestamp('reported_at').notNull(),
    closedAt: k.timestamp('closed_at'),
    updatedAt: k.timestamp('updated_at').notNull(),
    // The case's history as the performance indicators (绩效评价, 001 Appendix C) read it, kept by
    // the case status sync after every step of its process.
    /** First 受理立案. */
    registeredAt: k.timestamp('registered_at'),
    /** Latest 派遣 (a 重新派遣 after 退回 moves it; 返工 goes back to the unit without a new dispatch). */
    dispatchedAt: k.timestamp('dispatched_at'),
    /** Latest 处理反馈. */
    handledAt: k.timestamp('handled_at'),
    /** 退回 by the responsible unit. */
    returnCount: k.int('return_count').notNull().default(0),
    /** 返工 after failed verification. */
    reworkCount: k.int('rework_count').notNull().default(0),
    /** Approved 申请延期. */
    extensionCount: k.int('extension_count').notNull().default(0),
    /** 督办 raised because handling ran past its deadline. */
    supervisionCount: k.int('supervision_count').notNull().default(0),
  }, (t) => [
    k.uniqueIndex('cases_number_uq').on(t.tenantId, t.caseNumber),
    k.index('cases_status_idx').on(t.tenantId, t.status, t.reportedAt),
    k.index('cases_org_idx').on(t.tenantId, t.orgId),
    k.index('cases_instance_idx').on(t.processInstanceId),
    // The performance indicators (6-1) count a period's cohort: cases registered, or dispatched, in it.
    k.index('cases_registered_idx').on(t.tenantId, t.registeredAt),
    k.index('cases_dispatched_idx').on(t.tenantId, t.dispatchedAt),
  ]);

  /** The last sequence number issued per city and numbering period (e.g. the day of {yyyyMMdd}). */
  const caseSequences = k.table('case_sequences', {
    tenantId: k.text('tenant_id').notNull(),
    period: k.text('period').notNull(),
    last: k.int('last').notNull(),
  }, (t) => [k.primaryKey({ columns: [t.tenantId, t.period] })]);

  /** Uploaded files: stored by `id` in the file storage; linked to a case once reported or handled. */
  const attachments = k.table('attachments', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    name: k.text('name').notNull(),
    contentType: k.text('content_type').notNull(),
    size: k.int('size').notNull(),
    sha256: k.text('sha256').notNull(),
    uploadedBy: k.text('uploaded_by').notNull(),
    uploadedAt: k.timestamp('uploaded_at').notNull(),
    caseId: k.text('case_id'),
    /** before = 处置前 (reported with the case), after = 处置后 (with the handling feedback). */
    stage: k.text('stage').$type<'before' | 'after'>(),
    /** 实地考察: a photo of an evaluation point, linked to its inspection task on submission. */
    inspectionTaskId: k.text('inspection_task_id'),
  }, (t) => [k.index('attachments_case_idx').on(t.tenantId, t.caseId), k.index('attachments_inspection_idx').on(t.tenantId, t.inspectionTaskId)]);

  return { cases, caseSequences, attachments };
}
