# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The one scope mechanism of every Civic Grid module.

Who sees what is said once, by the record rules (ir.rule, with the user's
areas as "civic_areas").  trytond applies them to reads and searches, and
checks that a button's records may be read; it does not check what a user
points at (a Many2One, a Many2Many or a Reference written by create or
write, the values a wizard is sent, the arguments of an RPC method), nor
that the user may change a button's records.  Everything here does, with
the same rules:

- `check_scope(Model, ids, mode)` refuses ids the user may not read (or
  write, …), in one message whether a record is outside the user's areas or
  does not exist at all, so that no error tells which records exist
  elsewhere;
- `check_pointable` refuses, besides, records placed in the area tree
  outside the user's areas and the areas above them (the areas themselves,
  appointments and merchants are read by everyone);
- `ScopeMixin` checks every relation written by create and write, the
  records of every button (by its RPC, `_scope_button_modes`), copies, and
  turns trytond's refusals of records into ScopeError;
- `ScopedWizard` checks every relation a wizard is sent and runs the wizard
  with the access rights and rules of its user, like any other call.

Models say where they sit in the area tree with `_scope_area`, the path of
Many2One fields to their civic.area ('area', 'household.area'), or
CONFIGURATION, or AGGREGATE; the registry-driven access test
(tests/access_audit.py) reads it to find, for every role, the records
outside its areas and expects every entry point to refuse them."""
from collections import defaultdict
from contextlib import contextmanager
from functools import wraps

from trytond.i18n import gettext
from trytond.model import ModelStorage, fields
from trytond.model.exceptions import AccessError, RequiredValidationError
from trytond.pool import Pool
from trytond.transaction import (
    Transaction, check_access, inactive_records, without_check_access)
from trytond.wizard import StateView, Wizard

# _scope_area of the records not placed in the area tree: every user of the
# staff reads them, the civic administrators change them
CONFIGURATION = 'configuration'
# _scope_area of figures computed in the user's scope by their own query
AGGREGATE = 'aggregate'
# The largest id PostgreSQL's INTEGER holds
MAX_ID = 2 ** 31 - 1
RELATIONS = {'many2one', 'one2many', 'many2many', 'reference', 'one2one'}


# The domain of the area pickers: the areas in the user's scope
AREA_IN_SCOPE = [('in_my_scope', '=', True)]


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
        # refusing the whole model tells nothing about its records
        ModelAccess.check(Model.__name__, mode)
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
                given = args[0] if args else []
                if not isinstance(given, (list, tuple)):
                    given = [None]  # not a list of ids nor of values
                if action in {'add', 'set'}:
                    refs[target.__name__].update(_id(i) for i in given)
                elif action == 'create':
                    for sub_values in given:
                        if not isinstance(sub_values, dict):
                            refs[target.__name__].add(None)
                            continue
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
    "The id a relation value gives, None if it cannot give one"
    if isinstance(value, ModelStorage):
        return value.id
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


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
            id_ = None
    else:
        return None, None
    if isinstance(id_, int) and id_ < 0:
        return None, None
    return model, _id(id_)


def check_references(Model, vlist):
    """Refuse values of vlist that point at records outside the user's
    scope (or that do not exist)"""
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
        check_pointable(Target, ids)


def check_pointable(Model, ids):
    """Refuse ids the user may not point at: records the user may not read,
    and records placed in the area tree outside the user's areas (some, like
    the areas themselves, are read by everyone)"""
    check_scope(Model, ids)
    if len(pointable(Model, ids)) != len(set(ids)):
        raise ScopeError(gettext('civic_grid.msg_out_of_scope',
                model=Model.__names__()['model']))


def pointable(Model, ids):
    """Return the ids of ids whose records are not placed in the area tree
    outside the user's areas and the areas above them"""
    ids = set(ids)
    path = getattr(Model, '_scope_area', None)
    if not ids or path in {None, CONFIGURATION, AGGREGATE}:
        return ids
    areas = user_scope_areas()
    if areas is None:
        return ids
    if path == 'id':
        path = 'parent'  # child_of on the tree's own parent: the area itself
    first = path.split('.')[0]
    with without_check_access(), inactive_records():
        return {r.id for r in Model.search([
                    ('id', 'in', list(ids)),
                    ['OR',
                        (first, '=', None),
                        (path, '=', None),
                        (path, 'child_of', areas, 'parent'),
                        # the areas above the user's: their community, street
                        (path, 'parent_of', areas, 'parent'),
                        ],
                    ], order=[])}


def user_scope_areas():
    """The ids of the user's areas, None for the users not scoped by areas:
    root, the administrators, and the roles that own their records
    (merchants), which the record rules scope"""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    areas = list(User.get_civic_areas())
    admin = ModelData.get_id('civic_grid', 'group_civic_admin')
    if not Transaction().user or admin in User.get_groups() or (
            not areas and not any(g in User.get_groups()
                for g in area_scoped_groups())):
        return None
    return areas


def area_scoped_groups():
    "The ids of the groups whose users work in areas"
    ModelData = Pool().get('ir.model.data')
    return [ModelData.get_id('civic_grid', g) for g in (
            'group_civic_street', 'group_civic_community',
            'group_civic_grid_worker')]


def checks_references():
    "Whether the current call comes from a user, with access checks"
    transaction = Transaction()
    return bool(transaction.user and transaction.check_access)


class ScopeMixin:
    """Records whose relations users may only point at records in their
    scope, whose buttons check the user's right to change the records, and
    whose refusals never tell whether a record exists.

    _scope_area: the path of Many2One fields to the record's civic.area,
    CONFIGURATION or AGGREGATE (None: not declared).
    _scope_button_modes: the mode of the record rules a button needs,
    'write' unless said otherwise."""
    __slots__ = ()
    _scope_area = None
    _scope_button_modes = {}

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        limit_area_pickers(cls)
        for button in getattr(cls, '_buttons', {}):
            rpc = cls.__rpc__.get(button)
            if rpc is not None and not getattr(
                    rpc.decorator, 'checks_scope', False):
                mode = cls._scope_button_modes.get(button, 'write')
                rpc.decorator = scope_checked(rpc.decorator, cls, mode)

    @classmethod
    def read(cls, ids, fields_names):
        with uniform_refusals(cls, 'read'):
            return super().read(ids, fields_names)

    @classmethod
    def create(cls, vlist):
        if checks_references():
            check_references(cls, vlist)
            for values in vlist:
                check_state_written(cls, values, create=True)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        if checks_references():
            actions = iter(args)
            records, vlist = [], []
            for sub_records, values in zip(actions, actions):
                records.extend(sub_records)
                vlist.append(values)
                check_state_written(cls, values)
            if cls._scope_area not in {CONFIGURATION, AGGREGATE}:
                check_scope(cls, [r.id for r in records], mode='write')
            check_references(cls, vlist)
        super().write(*args)

    @classmethod
    def delete(cls, records):
        if checks_references():
            # a singleton never saved is "deleted" without trytond's check
            with check_access():
                Pool().get('ir.model.access').check(cls.__name__, 'delete')
            if cls._scope_area not in {CONFIGURATION, AGGREGATE}:
                check_scope(cls, [r.id for r in records], mode='delete')
        super().delete(records)

    @classmethod
    def copy(cls, records, default=None):
        # trytond copies what it reads without the record rules; a copy is
        # a new record like the original, where the user may create
        if checks_references():
            ids = [r.id for r in records]
            # the right to create first: refused, a record read above the
            # user's areas and a missing one are refused alike
            check_scope(cls, ids, mode='create')
            check_scope(cls, ids)
        return super().copy(records, default=default)


def check_state_written(Model, values, create=False):
    """Refuse a user's write of a workflow's state: it changes only through
    the transitions (buttons), which do what the step means (award points,
    set who and when…); a new record starts in the default state"""
    name = getattr(Model, '_transition_state', None)
    if not name or name not in values or not hasattr(Model, '_transitions'):
        return
    default = Model._defaults.get(name)
    if create and default and values[name] == default():
        return
    field = Model.__names__(name)
    raise AccessError(gettext('civic_grid.msg_state_by_transition',
            model=field['model'], field=field['field']))


def limit_area_pickers(Model):
    """Offer in the area fields users fill only the areas they may point
    at (pointable): their own, those below and those above"""
    for field in Model._fields.values():
        if (field._type == 'many2one' and field.model_name == 'civic.area'
                and not field.readonly
                and not (isinstance(field, fields.Function)
                    and not field.setter)
                and AREA_IN_SCOPE[0] not in (field.domain or [])):
            field.domain = ([AREA_IN_SCOPE[0], field.domain] if field.domain
                else list(AREA_IN_SCOPE))


def scope_checked(decorator, Model, mode):
    """An RPC decorator for a button: the user must pass the record rules of
    mode on the records (trytond's button checks only that they are read)"""
    def decorate(func):
        @wraps(func)
        def checked(records, *args, **kwargs):
            if checks_references():
                check_scope(Model, [r.id for r in records
                        if r.id is not None and r.id >= 0], mode=mode)
            return func(records, *args, **kwargs)
        # the other decorators (READ COMMITTED) come first: before any query
        return decorator(checked) if decorator else checked
    decorate.checks_scope = True
    return decorate


@contextmanager
def uniform_refusals(Model, mode):
    """Turn trytond's refusals of records into ScopeError: trytond says
    "that don't exist" for a missing record and names the rules for one
    outside the user's areas, which tells one from the other"""
    try:
        yield
    except ScopeError:
        raise
    except AccessError:
        if not checks_references():
            raise
        ModelAccess = Pool().get('ir.model.access')
        with check_access():
            if not ModelAccess.check(
                    Model.__name__, mode, raise_exception=False):
                raise
        raise ScopeError(gettext('civic_grid.msg_out_of_scope',
                model=Model.__names__()['model']))


class ScopedWizard(Wizard):
    """A wizard that runs with its user's access rights and record rules,
    refuses values pointing outside the user's scope, and a form sent
    without its required values"""

    @classmethod
    def execute(cls, session_id, data, state_name):
        with check_access(), Transaction().set_context(
                _civic_wizard_sent=list(data)):
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

    def _execute(self, state_name):
        state = self.states.get(state_name)
        if not isinstance(state, StateView) and state_name != self.end_state:
            self.check_required()
        return super()._execute(state_name)

    def check_required(self):
        "Refuse a transition from a form sent without its required values"
        for name in Transaction().context.get('_civic_wizard_sent', []):
            if not isinstance(self.states.get(name), StateView):
                continue
            record = getattr(self, name)
            for field_name, field in record._fields.items():
                if field.required and getattr(
                        record, field_name, None) in (None, '', [], ()):
                    raise RequiredValidationError(gettext(
                            'civic_grid.msg_wizard_required',
                            field=record.__names__(field_name)['field']))
