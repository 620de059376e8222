# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from civic_grid.scope import CONFIGURATION, ScopeMixin


class Configuration(ScopeMixin, ModelSingleton, ModelSQL, ModelView):
    __string__ = "Points Configuration"
    __name__ = 'civic.points.configuration'
    _scope_area = CONFIGURATION
    expiry_months = fields.Integer(
        "Points Expire After (Months)",
        domain=['OR', ('expiry_months', '=', None),
            ('expiry_months', '>', 0)],
        help="Leave empty to keep points for ever. Otherwise points older "
        "than this are expired by the daily task, oldest first.")
    voucher_validity_days = fields.Integer(
        "Voucher Validity (Days)", required=True,
        domain=[('voucher_validity_days', '>', 0)],
        help="Days a voucher can be redeemed after it is issued, "
        "unless the offer ends earlier.")
    ranking_size = fields.Integer(
        "Ranking Size", required=True, domain=[('ranking_size', '>', 0)],
        help="How many people a ranking keeps per category.")
    honour_rule = fields.Many2One(
        'civic.points.rule', "Annual Award Rule",
        help="If set, approving an annual award gives its holder points "
        "by this rule.")

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        ModelData = Pool().get('ir.model.data')
        data = ModelData.__table__()
        cursor = Transaction().connection.cursor()
        # The merchant group and its "no residents" rule were civic_grid's
        # until 8.0.1: they stay the same records, now this module's
        cursor.execute(*data.update([data.module], [module],
                where=(data.module == 'civic_grid')
                & data.fs_id.in_([
                        'group_civic_merchant',
                        'rule_group_resident_none_merchant'])))

    @classmethod
    def default_voucher_validity_days(cls):
        return 30

    @classmethod
    def default_ranking_size(cls):
        return 20
