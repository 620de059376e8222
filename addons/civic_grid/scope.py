# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The one scope mechanism of every Civic Grid module.

Who sees what is said once, by the record rules (ir.rule, with the user's
areas as "civic_areas").  trytond applies them to reads, searches and to the
records a button acts on, but not to what a user points at: a Many2One, a
Many2Many or a Reference written by create or write, the values a wizard is
sent, the arguments of an RPC method.  Everything here checks those against
the same rules:

- `check_scope(Model, ids)` refuses ids the user may not read (or write…),
  with one message whether a record is outside the user's areas or does not
  exist at all, so that no error tells which records exist elsewhere;
- `ScopeMixin` checks every relation written by create and write;
- `ScopedWizard` checks every relation a wizard is sent and runs the wizard
  with the access rights and rules of its user, like any other call.

Models say where they sit in the area tree with `_scope_area`, the path of
Many2One fields to their civic.area ('area', 'household.area'), or None for
configuration that is not placed in the tree; the registry-driven access
test (tests/test_access_registry.py) uses it to find, for every role, the
records outside its areas and expects every entry point to refuse them."""
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelStorage
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, check_access, inactive_records, without_check_access)
from trytond.wizard import StateView, Wizard

# The largest id PostgreSQL's INTEGER holds
MAX_ID = 2 ** 31 - 1
RELATIONS = {'many2one', 'one2many', 'many2many', 'reference', 'one2one'}


class ScopeError(AccessError):
    "A record outside the user's scope, or one that does not exist"


def is_id(value):
    "Whether value can be the id of a stored record"
    return (isinstance(value, int) and not isinstance(value, bool)
        and 0 < value <= MAX_ID)


def check_scope(Model, ids, mode='read'):
    """Raise ScopeError unless the current user has the access right and
    passes the record rules of mode on every record of ids"""
    transaction = Transaction()
    if not transaction.user:
        return
    ids = set(ids)
    if not ids:
        return
    names = Model.__names__()
    error = ScopeError(gettext('civic_grid.msg_out_of_scope',
            model=names['model']))
    if not all(is_id(i) for i in ids):
        raise error
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Rule = pool.get('ir.rule')
    with check_access():
        if not ModelAccess.check(Model.__name__, mode, raise_exception=False):
            raise error
        domain = Rule.domain_get(Model.__name__, mode=mode)
    with without_check_access(), inactive_records():
        found = Model.search([('id', 'in', list(ids)), domain], order=[])
    if len(found) != len(ids):
        raise error


def referenced_ids(Model, values):
    "Return {model name: ids} of the records values points at"
    refs = defaultdict(set)
    for name, value in values.items():
        field = Model._fields.get(name)
        if field is None or field._type not in RELATIONS or not value:
            continue
        if field._type == 'reference':
            model, id_ = _reference(value)
            if model:
                refs[model].add(id_)
            continue
        target = field.get_target()
        if field._type in {'many2one', 'one2one'}:
            refs[target.__name__].add(_id(value))
            continue
        if not isinstance(value, (list, tuple)):
            refs[target.__name__].add(None)
            continue
        for item in value:
            if isinstance(item, (list, tuple)) and item:
                action, *args = item
                if action in {'add', 'set'}:
                    refs[target.__name__].update(
                        _id(i) for i in (args[0] if args else []))
                elif action == 'create':
                    for sub_values in (args[0] if args else []):
                        for model, ids in referenced_ids(
                                target, sub_values).items():
                            refs[model].update(ids)
            elif isinstance(item, dict):
                # One2Many values of a wizard's view
                for model, ids in referenced_ids(target, item).items():
                    refs[model].update(ids)
            else:
                refs[target.__name__].add(_id(item))
    return refs


def _id(value):
    if isinstance(value, ModelStorage):
        return value.id
    return value


def _reference(value):
    if isinstance(value, ModelStorage):
        return value.__name__, value.id
    if isinstance(value, (list, tuple)) and len(value) == 2:
        model, id_ = value
    elif isinstance(value, str) and ',' in value:
        model, id_ = value.split(',', 1)
        try:
            id_ = int(id_)
        except ValueError:
            pass
    else:
        return None, None
    if id_ in (None, -1, '') or (isinstance(id_, int) and id_ < 0):
        return None, None
    return model, id_


def check_references(Model, vlist):
    """Refuse values of vlist that point at records the user may not
    read (or that do not exist)"""
    pool = Pool()
    refs = defaultdict(set)
    for values in vlist:
        for model, ids in referenced_ids(Model, values).items():
            refs[model].update(ids)
    for model, ids in refs.items():
        # new records of a client's form have negative ids until saved
        ids = {i for i in ids if not (isinstance(i, int) and i < 0)}
        try:
            Target = pool.get(model)
        except KeyError:
            raise ScopeError(gettext(
                    'civic_grid.msg_out_of_scope', model=model))
        check_scope(Target, ids)


def checks_references():
    "Whether the current call comes from a user, with access checks"
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access)


class ScopeMixin:
    """Records whose relations users may only point at records they may
    read.  _scope_area: the path of Many2One fields to the record's
    civic.area, or None for records not placed in the area tree."""
    __slots__ = ()
    _scope_area = None

    @classmethod
    def create(cls, vlist):
        if checks_references():
            check_references(cls, vlist)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        if checks_references():
            actions = iter(args)
            check_references(cls, [v for _, v in zip(actions, actions)])
        super().write(*args)


class ScopedWizard(Wizard):
    """A wizard that runs with its user's access rights and record rules,
    and refuses values pointing at records the user may not read"""

    @classmethod
    def execute(cls, session_id, data, state_name):
        with check_access():
            if Transaction().user:
                cls.check_data(data)
            return super().execute(session_id, data, state_name)

    @classmethod
    def check_data(cls, data):
        pool = Pool()
        for name, values in data.items():
            state = cls.states.get(name)
            if not isinstance(state, StateView) or not isinstance(
                    values, dict):
                continue
            View = pool.get(state.model_name)
            check_references(View, [values])
