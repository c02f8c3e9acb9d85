"""Repositories, one module per aggregate. Each takes a :class:`flextime.store.db.Tx` (a tenant-
scoped transaction) so the caller decides the unit of work and row-level security applies."""
