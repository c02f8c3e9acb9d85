"""The data layer: PostgreSQL with row-level tenant isolation, and S3 artifacts.

Entry points: ``db.get_pool()`` / ``db.make_pool(url)``, ``db.tenant_transaction(pool, tenant, user)``,
``migrate.upgrade(url)``, the repositories in ``store.repositories`` (functions taking the
transaction), ``errors`` (typed errors), ``embedded`` (the local default server) and ``s3``
(the artifact store port and adapters). Importing this package imports no driver.
"""
