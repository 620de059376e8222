# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Row locks for the paths that move money-like values (points, vouchers).

Every caller locks in the same order (parties, then accounts, then offers,
then documents), each set by id, so two transactions never wait for each
other in a circle.

PostgreSQL runs trytond's transactions at REPEATABLE READ: a transaction
that waits for a row and then finds it changed by the holder can only fail
with a serialization error, and every waiter fails each time a holder
commits.  So the entry points that lock (buttons, wizards and RPC methods
declared with `waits_for_locks`) start their transaction at READ COMMITTED:
`lock` then waits for the rows (at most LOCK_TIMEOUT) and every statement
after it reads their latest committed version.  Elsewhere (the scheduled
tasks, scripts) the same lock waits too; if the holder changed a row the
transaction has already seen, PostgreSQL refuses with a serialization error,
which the caller retries as trytond's cron does: what it read stays true.

SQLite has no row locks and one writer at a time: a no-op write takes the
database's write lock.
"""
from functools import wraps

from sql import AliasManager, For, Table

from trytond import backend
from trytond.rpc import RPC
from trytond.transaction import Transaction

LOCK_TIMEOUT = '5s'


def read_committed(func):
    "Run func's transaction at READ COMMITTED if it has not read yet"
    @wraps(func)
    def wrapper(*args, **kwargs):
        transaction = Transaction()
        if backend.name == 'postgresql' and not transaction.readonly:
            from psycopg import IsolationLevel
            from psycopg.pq import TransactionStatus
            connection = transaction.connection
            if connection.info.transaction_status == TransactionStatus.IDLE:
                connection.isolation_level = IsolationLevel.READ_COMMITTED
        return func(*args, **kwargs)
    return wrapper


def waits_for_locks(rpc=None, **attributes):
    """Return the RPC of an entry point that locks rows: rpc (or a new RPC
    with attributes) whose transaction runs at READ COMMITTED"""
    if rpc is None:
        rpc = RPC(readonly=False, **attributes)
    inner = rpc.decorator

    def decorator(func):
        return read_committed(inner(func) if inner else func)
    rpc.decorator = decorator
    return rpc


def lock(Model, records):
    """Lock the rows of records until the end of the transaction, in id
    order, and return the records read again from the database"""
    ids = sorted({int(r) for r in records if r.id is not None and r.id >= 0})
    if not ids:
        return Model.browse(ids)
    transaction = Transaction()
    table = Model.__table__()
    cursor = transaction.connection.cursor()
    if backend.name == 'sqlite':
        cursor.execute(*table.update(
                [table.id], [table.id], where=table.id.in_(ids)))
    else:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        cursor.execute(*table.select(table.id,
                where=table.id.in_(ids), order_by=[table.id],
                for_=For('UPDATE')))
    forget_cached_records()
    return Model.browse(ids)


def select_locked(table, *columns, where, join=None):
    """Return the rows of table (or of the join from it) matching where,
    with the rows of table locked as lock() does and read as they are now:
    the hot paths that read and write in SQL"""
    cursor = Transaction().connection.cursor()
    source = join if join is not None else table
    if backend.name == 'sqlite':
        cursor.execute(*table.update(
                [table.id], [table.id], where=table.id.in_(
                    source.select(table.id, where=where))))
        cursor.execute(*source.select(*columns, where=where))
    else:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # FOR UPDATE OF names the table by its alias in the join; locking
        # the joined rows too would queue every redemption of an offer
        with AliasManager():
            cursor.execute(*source.select(*columns, where=where,
                    for_=For('UPDATE', Table(table.alias))))
    return cursor.fetchall()


def forget_cached_records():
    "Make every record of the transaction read its values again"
    transaction = Transaction()
    transaction.counter += 1
    for cache in transaction.cache.values():
        cache.clear()
