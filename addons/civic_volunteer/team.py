# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Volunteer teams (志愿服务队) of a community and their sub-teams (分队)"""
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, tree)
from trytond.pyson import Eval

from civic_grid.scope import ScopeMixin


class Team(ScopeMixin, DeactivableMixin, tree(), ModelSQL, ModelView):
    __string__ = "Volunteer Team"
    __name__ = 'civic.volunteer.team'
    _scope_area = 'area'
    name = fields.Char("Name", required=True)
    parent = fields.Many2One(
        'civic.volunteer.team', "Parent Team", ondelete='RESTRICT')
    children = fields.One2Many(
        'civic.volunteer.team', 'parent', "Sub-teams")
    area = fields.Many2One(
        'civic.area', "Area", required=True, ondelete='RESTRICT')
    leader = fields.Many2One(
        'civic.volunteer', "Leader", ondelete='SET NULL',
        domain=[('teams', '=', Eval('id', -1))],
        depends=['id'])
    members = fields.Many2Many(
        'civic.volunteer.team-civic.volunteer', 'team', 'volunteer',
        "Members")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.area, Index.Equality())),
                Index(t, (t.parent, Index.Equality())),
                })
        cls._order = [('area', 'ASC'), ('name', 'ASC'), ('id', 'ASC')]


class TeamMember(ScopeMixin, ModelSQL):
    __string__ = "Volunteer Team - Volunteer"
    __name__ = 'civic.volunteer.team-civic.volunteer'
    _scope_area = 'team.area'
    team = fields.Many2One(
        'civic.volunteer.team', "Team", required=True, ondelete='CASCADE')
    volunteer = fields.Many2One(
        'civic.volunteer', "Volunteer", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.team, Index.Equality())),
                Index(t, (t.volunteer, Index.Equality())),
                })
