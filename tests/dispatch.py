# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Call a model's RPC method in-process the way trytond's JSON-RPC
dispatcher does (protocols/dispatcher.py _dispatch): the RPC's conversion of
the arguments and context (access checks on), its decorator, a transaction
per call restarted when it asks for locks, and `[database] retry` retries of
concurrent-update errors.  A DatabaseOperationalError left after the retries
reaches the caller as it would reach a client: the operation gave up."""
import time


def dispatch(database, user, model, method, *args, context=None,
        commit=True, kind='model', inspect=None):
    """Call method of the model (or the wizard or report, by kind) as user;
    without commit the transaction is rolled back, after inspect() if
    given has looked at what the call did"""
    from trytond import backend
    from trytond.config import config
    from trytond.pool import Pool
    from trytond.tools import is_instance_method
    from trytond.transaction import Transaction, TransactionError

    obj = Pool(database).get(model, type=kind)
    rpc = obj.__rpc__[method]
    retry = config.getint('database', 'retry')
    count = 0
    extras = {}
    while True:
        if count:
            time.sleep(0.02 * count)
        with Transaction(new=True).start(database, user,
                readonly=rpc.readonly,
                timeout=rpc.timeout, **extras) as transaction:
            try:
                c_args, c_kwargs, transaction.context, _ = rpc.convert(
                    obj, *args, context or {})
                meth = rpc.decorate(getattr(obj, method))
                if (rpc.instantiate is None
                        or not is_instance_method(obj, method)):
                    result = rpc.result(meth(*c_args, **c_kwargs))
                else:
                    inst = c_args.pop(0)
                    result = rpc.result(meth(inst, *c_args, **c_kwargs))
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            except backend.DatabaseOperationalError:
                if count < retry and not rpc.readonly:
                    transaction.rollback()
                    count += 1
                    continue
                raise
            if inspect:
                inspect()
            if commit:
                transaction.commit()
            else:
                transaction.rollback()
        return result
