export type { AuditEntry, LockLease, NewAuditEntry, Store } from "./store.js";
export { openStore } from "./open-store.js";
export { openSqliteStore } from "./sqlite-store.js";
