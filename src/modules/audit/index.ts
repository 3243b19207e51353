export { recordAudit, listAuditEvents, type AuditEntry, type AuditEvent } from './audit.repository.js';
