# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView

from civic_grid.locking import waits_for_locks
from civic_grid.scope import ScopedWizard


class AwardPointsStart(ModelView):
    __string__ = "Award Points"
    __name__ = 'civic.points.award.start'
    rule = fields.Many2One(
        'civic.points.rule', "Rule", required=True)
    parties = fields.Many2Many(
        'party.party', None, None, "Holders", required=True,
        domain=[('household', '!=', None)])
    quantity = fields.Integer(
        "Quantity", required=True, help="Units of the rule: visits, hours…")
    date = fields.Date("Date", required=True)
    description = fields.Char("Description")

    @classmethod
    def default_quantity(cls):
        return 1

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()


class AwardPoints(ScopedWizard):
    __string__ = "Award Points"
    __name__ = 'civic.points.award'
    start = StateView('civic.points.award.start',
        'civic_points.award_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Award", 'award', 'tryton-ok', default=True),
            ])
    award = StateTransition()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        waits_for_locks(cls.__rpc__['execute'])

    def default_start(self, fields):
        context = Transaction().context
        if context.get('active_model') == 'party.party':
            return {'parties': context.get('active_ids', [])}
        return {}

    def transition_award(self):
        Line = Pool().get('civic.points.line')
        Line.award_many([{
                    'rule': self.start.rule.code,
                    'party': party.id,
                    'quantity': self.start.quantity,
                    'date': self.start.date,
                    'description': self.start.description,
                    } for party in self.start.parties])
        return 'end'
