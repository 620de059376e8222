# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The county's community ranking beside the "most beautiful" awards of
civic_volunteer: where the volunteer's community stands among the
communities of the county that year"""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Award(metaclass=PoolMeta):
    __name__ = 'civic.volunteer.award'
    community_rank = fields.Function(
        fields.Integer("Community's County Rank",
            help="The rank of the volunteer's community in the confirmed "
            "community ranking of the year."),
        'get_community_rank')

    @classmethod
    def get_community_rank(cls, awards, name):
        pool = Pool()
        Area = pool.get('civic.area')
        Sheet = pool.get('civic.assessment.sheet')
        areas = [a.volunteer.area.id for a in awards]
        ancestors = Area.ancestors_by_level(areas)
        result = {}
        for award in awards:
            community = ancestors.get(award.volunteer.area.id, {}).get(
                'community')
            # the community's own rank, which the ranking publishes
            with without_check_access():
                sheets = Sheet.search([
                        ('area', '=', community),
                        ('run.state', '=', 'confirmed'),
                        ('run.year', '=', award.year),
                        ('run.plan.participant', '=', 'community'),
                        ], order=[('run', 'DESC')], limit=1)
            result[award.id] = sheets[0].rank if sheets else None
        return result
