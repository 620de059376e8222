# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Helpers for the red-property scenarios"
import datetime as dt

from proteus import Model

from civic_party.tests.tools import unit


def compound(name, area, buildings=(), config=None):
    "A compound in area with its buildings (name, grid) pairs"
    Compound = Model.get('civic.compound', config=config)
    Building = Model.get('civic.building', config=config)
    record = Compound(name=name, area=area)
    record.save()
    for building_name, grid in buildings:
        Building(name=building_name, compound=record, area=grid).save()
    record.reload()
    return record


def company(name, code, area, config=None, **values):
    Company = Model.get('civic.property.company', config=config)
    record = Company(party=unit(name, config=config), code=code, area=area,
        **values)
    record.save()
    return record


def manage(company, compound, households, start=None, end=None,
        config=None):
    "A management contract, from two years ago by default"
    Management = Model.get('civic.property.management', config=config)
    record = Management(company=company, compound=compound,
        households=households,
        start_date=start or dt.date.today() - dt.timedelta(days=730),
        end_date=end)
    record.save()
    return record
