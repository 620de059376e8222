# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Helpers for the Civic Grid scenarios"
from stdnum.cn import ric

from proteus import Model


def id_number(birth='19800101', sequence=1, region='370100'):
    "Return a valid resident ID number"
    body = f'{region}{birth}{sequence:03d}'
    return body + ric.calc_check_digit(body + '0')


def wrong_check(number):
    "Return number with a wrong check character"
    good = number[-1]
    return number[:-1] + ('1' if good != '1' else '2')


def level(code, config=None):
    Level = Model.get('civic.area.level', config=config)
    level, = Level.find([('code', '=', code)])
    return level


def make_tree(config=None):
    """Build a county, a street, two communities with one big > medium >
    small > micro grid chain each; return a dict of areas by code"""
    Area = Model.get('civic.area', config=config)
    areas = {}

    def add(code, name, level_code, parent=None, **values):
        area = Area(name=name, code=code, level=level(level_code, config),
            parent=areas.get(parent), **values)
        area.save()
        areas[code] = area
        return area
    add('D', '测试区', 'county')
    add('S1', '兰山街道', 'street', 'D')
    for c in ('C1', 'C2'):
        add(c, f'{c}社区', 'community', 'S1')
        add(c + 'B', '第1大网格', 'big_grid', c)
        add(c + 'M', '第1中网格', 'medium_grid', c + 'B')
        add(c + 'S', '第1小网格', 'small_grid', c + 'M')
        add(c + 'W1', '第1微网格', 'micro_grid', c + 'S', target_households=4)
        add(c + 'W2', '第2微网格', 'micro_grid', c + 'S', target_households=4)
    return areas


def add_household(area, name, members, config=None, start=1):
    """Create a household of area with members (names); ID numbers take
    sequences from start"""
    Household = Model.get('civic.household', config=config)
    Party = Model.get('party.party', config=config)
    household = Household(name=name, area=area, code=f'H-{name}')
    household.save()
    residents = []
    for offset, member in enumerate(members):
        resident = Party(name=member, household=household)
        resident.id_number = id_number(sequence=start + offset)
        resident.resident_phone = f'1380000{start + offset:04d}'
        resident.save()
        residents.append(resident)
    return household, residents


class raises:
    """Context manager printing the class and the message of the user error
    raised inside it (the scenarios check messages word for word, which
    tracebacks under IGNORE_EXCEPTION_DETAIL would not)"""

    def __enter__(self):
        return self

    def __exit__(self, type_, exception, traceback):
        if exception is None:
            raise AssertionError("no error was raised")
        message = getattr(exception, 'message', str(exception))
        print(f'{type_.__name__}: {message}')
        return True
