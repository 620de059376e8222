# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond import backend
from trytond.transaction import Transaction


def lock(Model, records):
    """Lock records until the end of the transaction.

    On PostgreSQL Tryton restarts the transaction with the rows locked before
    anything is read.  SQLite has no row locks, and Python's sqlite3 opens a
    transaction only at the first write: a no-op write takes the database's
    write lock, and the records cached so far are dropped so that they are
    read again under it."""
    records = sorted(set(records), key=lambda r: r.id)
    Model.lock(records)
    if backend.name == 'sqlite' and records:
        transaction = Transaction()
        table = Model.__table__()
        transaction.connection.cursor().execute(*table.update(
                [table.id], [table.id],
                where=table.id.in_([r.id for r in records])))
        for cache in transaction.cache.values():
            cache.clear()
    return records
