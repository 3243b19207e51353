export { auditBy, recordAudit, type AuditEntry } from './audit.repository.js';
