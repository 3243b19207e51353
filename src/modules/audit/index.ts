export { auditBy, recordAudit, recordHostAudit, type AuditEntry } from './audit.repository.js';
export { verifyAuditLog, type AuditCheck, type AuditChain } from './audit.service.js';
