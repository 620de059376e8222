# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The suggestion box (意见建议征集信箱): a rider leaves a suggestion at a
station, by name or anonymously; the station manager or the community
answers it once; open ones older than the configured days are overdue"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from civic_grid import clock
from civic_grid.locking import lock, waits_for_locks
from civic_grid.scope import ScopeMixin

from .exceptions import SuggestionError

TEXT_MAX = 2000
# what the rider left, and what the answer step writes: no user changes them
FIXED_FIELDS = {'station', 'rider', 'anonymous', 'text', 'submitted_at',
    'answered_at', 'answered_by'}


class Suggestion(ScopeMixin, Workflow, ModelSQL, ModelView):
    __string__ = "Suggestion"
    __name__ = 'civic.station.suggestion'
    _scope_area = 'station.area'
    _open = {'readonly': Eval('state') != 'open'}
    station = fields.Many2One(
        'civic.station', "Station", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    rider = fields.Many2One(
        'civic.station.rider', "Rider", ondelete='RESTRICT',
        states={
            'readonly': Eval('id', -1) >= 0,
            'invisible': Eval('anonymous', False),
            })
    rider_name = fields.Function(
        fields.Char("Rider"), 'get_rider_name')
    anonymous = fields.Boolean(
        "Anonymous", states={'readonly': Eval('id', -1) >= 0})
    submitted_at = fields.DateTime("Submitted at", readonly=True)
    text = fields.Text(
        "Suggestion", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    answer = fields.Text(
        "Answer", states=_open,
        help="Written, then sent with the Answer button.")
    answered_at = fields.DateTime("Answered at", readonly=True)
    answered_by = fields.Many2One('res.user', "Answered by", readonly=True)
    overdue = fields.Function(
        fields.Boolean("Overdue", help="Open longer than the days "
            "configured to answer."),
        'get_overdue', searcher='search_overdue')
    state = fields.Selection([
            ('open', "Open"),
            ('answered', "Answered"),
            ], "State", required=True, readonly=True, sort=False)
    del _open

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.station, Index.Equality()),
                (t.state, Index.Equality(cardinality='low'))))
        cls._order = [('submitted_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('open', 'answered')}
        cls._buttons.update({
                'send_answer': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })
        cls.__rpc__['send_answer'] = waits_for_locks(instantiate=0)

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_anonymous(cls):
        return False

    @classmethod
    def get_rider_name(cls, suggestions, name):
        """Who left it, for whoever reads the suggestion (a station's
        manager does not read the riders who never checked in there)"""
        with without_check_access():
            return {s.id: (s.rider.rec_name if s.rider else None)
                for s in cls.browse(suggestions)}

    def get_rec_name(self, name):
        text = ' '.join((self.text or '').split())
        return text if len(text) <= 30 else text[:29] + '…'

    @classmethod
    def create(cls, vlist):
        vlist = [cls.cleaned(v) for v in vlist]
        return super().create(vlist)

    @classmethod
    def cleaned(cls, values):
        values = {**values, 'submitted_at': clock.now()}
        for name in ['answer', 'answered_at', 'answered_by']:
            values.pop(name, None)
        text = values.get('text')
        if isinstance(text, str):
            values['text'] = text.strip()
            if len(values['text']) > TEXT_MAX:
                raise SuggestionError(gettext(
                        'civic_station.msg_suggestion_too_long',
                        limit=TEXT_MAX))
        if values.get('anonymous'):
            values['rider'] = None
        return values

    @classmethod
    def check_modification(cls, mode, suggestions, values=None,
            external=False):
        "The fields are readonly in the form only: the server says so too"
        super().check_modification(
            mode, suggestions, values=values, external=external)
        if mode != 'write' or not external:
            return
        for suggestion in suggestions:
            fixed = set(values) if suggestion.state != 'open' else (
                set(values) & FIXED_FIELDS)
            if fixed:
                raise AccessError(gettext('ir.msg_write_xml_record',
                        field=cls.__names__(min(fixed))['field'],
                        record=suggestion.rec_name,
                        model=cls.__names__()['model']))

    @classmethod
    def overdue_before(cls):
        Configuration = Pool().get('civic.station.configuration')
        with without_check_access():
            days = Configuration(1).suggestion_days
        return clock.now() - dt.timedelta(days=days)

    @classmethod
    def get_overdue(cls, suggestions, name):
        before = cls.overdue_before()
        return {s.id: s.state == 'open' and s.submitted_at < before
            for s in suggestions}

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause
        overdue = (operator == '=') == bool(value)
        domain = [('state', '=', 'open'),
            ('submitted_at', '<', cls.overdue_before())]
        return domain if overdue else ['OR', ('state', '!=', 'open'),
            ('submitted_at', '>=', cls.overdue_before())]

    @classmethod
    @ModelView.button
    def send_answer(cls, suggestions):
        "The answer is sent once: a suggestion answered stays as it was"
        suggestions = lock(cls, suggestions)
        for suggestion in suggestions:
            if suggestion.state != 'open':
                raise SuggestionError(gettext(
                        'civic_station.msg_suggestion_answered',
                        suggestion=suggestion.rec_name,
                        user=(suggestion.answered_by.rec_name
                            if suggestion.answered_by else '')))
            if not (suggestion.answer or '').strip():
                raise SuggestionError(gettext(
                        'civic_station.msg_suggestion_answer_empty',
                        suggestion=suggestion.rec_name))
        cls._answer(suggestions)

    @classmethod
    @Workflow.transition('answered')
    def _answer(cls, suggestions):
        cls.write(suggestions, {
                'answered_at': clock.now(),
                'answered_by': Transaction().user or None,
                })

    @classmethod
    def submit_for_user(cls, station_token, text, anonymous=False):
        "The user's rider leaves a suggestion at the station of the token"
        pool = Pool()
        Station = pool.get('civic.station')
        Rider = pool.get('civic.station.rider')
        rider = Rider.for_user()
        with without_check_access():
            stations = Station.search([('qr_token', '=', station_token)],
                limit=1) if isinstance(station_token, str) else []
            if not stations:
                raise SuggestionError(gettext(
                        'civic_station.msg_scan_unknown_station'))
            if not isinstance(text, str) or not text.strip():
                raise SuggestionError(gettext(
                        'civic_station.msg_suggestion_empty'))
            suggestion, = cls.create([{
                        'station': stations[0].id,
                        'rider': rider.id,
                        'anonymous': bool(anonymous),
                        'text': text,
                        }])
            return {
                'station': suggestion.station.name,
                'submitted_at': suggestion.submitted_at.isoformat(),
                # SQLite reads the Boolean back as 0 or 1
                'anonymous': bool(suggestion.anonymous),
                }
