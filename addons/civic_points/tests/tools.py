# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Helpers for the points scenarios"
from proteus import Model

from civic_grid.tests.tools import raises  # noqa: F401


def make_rule(code, points, category='resident', action='visit', config=None,
        **values):
    Rule = Model.get('civic.points.rule', config=config)
    rule = Rule(code=code, name=code, points=points, category=category,
        action=action, **values)
    rule.save()
    return rule


def make_user(login, group_names, areas=(), config=None):
    "A user in the groups named group_names working in areas"
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    Area = Model.get('civic.area', config=config)
    user = User(login=login, name=login)
    for name in group_names:
        group, = Group.find([('name', '=', name)])
        user.groups.append(group)
    user.civic_areas.extend(Area(a.id) for a in areas)
    user.save()
    return user


def balance(party, config=None):
    "The balance of party's account, 0 without one"
    Account = Model.get('civic.points.account', config=config)
    accounts = Account.find([('party', '=', party.id)])
    return accounts[0].balance if accounts else 0


def ledger_sum(party, config=None):
    "The sum of party's posted ledger lines"
    Line = Model.get('civic.points.line', config=config)
    return sum(l.points for l in Line.find([
                ('party', '=', party.id), ('state', '=', 'posted')]))
