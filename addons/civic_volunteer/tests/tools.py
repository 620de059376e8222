# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Helpers for the volunteer scenarios"
from proteus import Model


def make_volunteer(party, area, user=None, config=None):
    Volunteer = Model.get('civic.volunteer', config=config)
    volunteer = Volunteer(party=party, area=area, user=user)
    volunteer.save()
    return volunteer


def at(moment, model, method, records, user=1, config=None):
    """Run model's method on records as user with the clock at moment, as
    the server's own code does (a client's context cannot set the clock)"""
    from proteus.config import get_config
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from civic_grid.clock import CLOCK_KEY
    config = config or get_config()
    with Transaction().start(config.database_name, getattr(user, 'id', user),
            context={CLOCK_KEY: moment}) as transaction:
        Target = Pool().get(model)
        getattr(Target, method)(Target.browse([r.id for r in records]))
        transaction.commit()
    for record in records:
        record.reload()
