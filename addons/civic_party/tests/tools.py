# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Helpers for the Party-building scenarios"
from proteus import Model


def make_user(login, group_xml_ids, areas=(), config=None):
    """A user in the groups (module.XML id) with the areas as scope"""
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    Area = Model.get('civic.area', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    user = User(login=login, name=login)
    for xml_id in group_xml_ids:
        module, fs_id = xml_id.split('.')
        user.groups.append(Group(ModelData.get_id(module, fs_id, {})))
    for area in areas:
        user.civic_areas.append(Area(area.id))
    user.save()
    return user


def organisation(code, name, kind, area, parent=None, config=None):
    Organisation = Model.get('civic.party.organisation', config=config)
    record = Organisation(code=code, name=name, kind=kind, area=area,
        parent=parent)
    record.save()
    return record


def member(party, holder, kind='resident', work_unit=None, config=None):
    Member = Model.get('civic.party.member', config=config)
    record = Member(party=party, organisation=holder, kind=kind,
        work_unit=work_unit)
    record.save()
    return record


def unit(name, config=None):
    Party = Model.get('party.party', config=config)
    record = Party(name=name)
    record.save()
    return record


def overdue(model, name_field, moment, config=None):
    """The names of the model's overdue records with the clock at moment,
    read as the server's own tasks do (the clock is not a client's
    context)"""
    from proteus.config import get_config
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from civic_grid.clock import CLOCK_KEY
    config = config or get_config()
    with Transaction().start(config.database_name, 0,
            context={CLOCK_KEY: moment}):
        Model = Pool().get(model)
        return sorted(getattr(r, name_field)
            for r in Model.search([('overdue', '=', True)]))
