# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Helpers for the grid event scenarios"
from decimal import Decimal

from proteus import Model

# (level, hours to accept, hours to resolve)
LIMITS = [
    ('grid', 2, 24),
    ('community', 4, 72),
    ('street', 8, 120),
    ('district', 24, 240),
    ]


def make_category(code, name=None, parent=None, limits=LIMITS,
        config=None, **values):
    Category = Model.get('civic.event.category', config=config)
    category = Category(code=code, name=name or code, parent=parent,
        **values)
    for level, accept, resolve in limits:
        category.limits.new(level=level, accept_hours=Decimal(accept),
            resolve_hours=Decimal(resolve))
    category.save()
    return category


def make_event(category, area, description='楼道堆放杂物，影响通行。',
        config=None, **values):
    Event = Model.get('civic.event', config=config)
    event = Event(category=category, area=area, description=description,
        **values)
    event.save()
    return event


def steps(event):
    "The event's history as (step, level, user login) tuples"
    return [(h.action, h.level, h.user.login if h.user else None)
        for h in event.history]


def escalation_task(moment, config=None):
    """Run the scheduled escalation task as trytond-cron does (as root, in a
    transaction of its own) with the clock at moment; return how many
    events it moved up"""
    from proteus.config import get_config
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from civic_grid.clock import CLOCK_KEY
    config = config or get_config()
    with Transaction().start(config.database_name, 0,
            context={CLOCK_KEY: moment}) as transaction:
        count = Pool().get('civic.event').escalate_overdue()
        transaction.commit()
    return count
