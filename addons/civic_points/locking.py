# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from sql import For

from trytond import backend
from trytond.transaction import Transaction


def lock(Model, records):
    """Lock the rows of records until the end of the transaction, in id
    order (every caller locks parties, then accounts, then offers, then
    vouchers, so two transactions never wait for each other in a circle).

    PostgreSQL: SELECT … FOR UPDATE waits for the rows.  Under REPEATABLE
    READ a row changed since the transaction began makes it fail with a
    serialization error, which the dispatcher retries; once it succeeds the
    transaction reads the latest values.  This costs less than Tryton's
    `Model.lock`, which restarts every transaction to take its locks first.

    SQLite has no row locks, and Python's sqlite3 opens a transaction only at
    the first write: a no-op write takes the database's write lock, and the
    records cached so far are dropped so that they are read again under it.
    """
    records = sorted(set(records), key=lambda r: r.id)
    ids = [r.id for r in records if r.id is not None and r.id >= 0]
    if not ids:
        return records
    transaction = Transaction()
    table = Model.__table__()
    cursor = transaction.connection.cursor()
    if backend.name == 'sqlite':
        cursor.execute(*table.update(
                [table.id], [table.id], where=table.id.in_(ids)))
        for cache in transaction.cache.values():
            cache.clear()
    else:
        cursor.execute(*table.select(table.id,
                where=table.id.in_(ids), order_by=[table.id],
                for_=For('UPDATE')))
    return records
