export type { AuditEntry, BuildOutcome, BuildRecord, BuildStatus, LockLease, NewAuditEntry, NewBuild, Store } from "./store.js";
export { openStore } from "./open-store.js";
export { openSqliteStore } from "./sqlite-store.js";
