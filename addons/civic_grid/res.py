# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
import datetime as dt

from trytond.cache import Cache
from trytond.config import config
from trytond.model import ModelSQL, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .scope import CONFIGURATION, ScopeMixin


class UserArea(ScopeMixin, ModelSQL):
    __string__ = "User Area"
    __name__ = 'res.user-civic.area'
    _scope_area = CONFIGURATION
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='CASCADE')

    @classmethod
    def create(cls, vlist):
        records = super().create(vlist)
        Pool().get('res.user')._get_civic_areas_cache.clear()
        return records

    @classmethod
    def write(cls, *args):
        super().write(*args)
        Pool().get('res.user')._get_civic_areas_cache.clear()

    @classmethod
    def delete(cls, records):
        super().delete(records)
        Pool().get('res.user')._get_civic_areas_cache.clear()


class User(metaclass=PoolMeta):
    __name__ = 'res.user'
    civic_areas = fields.Many2Many(
        'res.user-civic.area', 'user', 'area', "Areas",
        help="The areas the user works in: "
        "the user sees the records of these areas and of all areas below.")
    _get_civic_areas_cache = Cache(
        __name__ + '.get_civic_areas', context=False)

    @classmethod
    def get_civic_areas(cls):
        "Return the ids of the areas in the scope of the current user"
        user_id = Transaction().user
        areas = cls._get_civic_areas_cache.get(user_id)
        if areas is None:
            areas = tuple(a.id for a in cls(user_id).civic_areas)
            cls._get_civic_areas_cache.set(user_id, areas)
        return areas

    @classmethod
    def write(cls, *args):
        super().write(*args)
        cls._get_civic_areas_cache.clear()


class Rule(metaclass=PoolMeta):
    """The record rules' context: the user's areas, and the records the user
    owns (a merchant's, a work unit's, a company's), which the modules
    declare with owned_records"""
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # context key: (model name, its class method returning the ids)
        cls._civic_owned = {}
        cls.domain.help += (
            '\n- "civic_areas" as the list of ids of the user\'s areas')

    @classmethod
    def owned_records(cls, key, model_name, method, help_text):
        "Put the ids model_name.method() returns in the rules' context"
        cls._civic_owned[key] = (model_name, method)
        cls.domain.help += f'\n- "{key}" as the list of ids of {help_text}'

    @classmethod
    def _owned_ids(cls):
        pool = Pool()
        return {key: sorted(getattr(pool.get(model_name), method)())
            for key, (model_name, method) in cls._civic_owned.items()}

    @classmethod
    def _get_cache_key(cls, model_names):
        User = Pool().get('res.user')
        key = super()._get_cache_key(model_names)
        owned = tuple(tuple(ids) for _, ids in sorted(
                cls._owned_ids().items()))
        return (*key, User.get_civic_areas(), owned)

    @classmethod
    def _get_context(cls, model_name):
        User = Pool().get('res.user')
        context = super()._get_context(model_name)
        context['civic_areas'] = list(User.get_civic_areas())
        context.update(cls._owned_ids())
        return context


class LoginAttempt(metaclass=PoolMeta):
    __name__ = 'res.user.login.attempt'

    @staticmethod
    def delay():
        # trytond counts wrong passwords over the session's idle timeout (8
        # hours here): five of them, typed by anyone, would lock the real
        # user out for a working day.  Counted over a short window they
        # still stop guessing (with trytond's growing delays), and the
        # devices a user logged in from are counted apart.
        window = config.getint(
            'session', 'login_attempt_window', default=15 * 60)
        return dt.datetime.now() - dt.timedelta(seconds=window)
