#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""A client of the volunteer concurrency test: volunteers sign up for the
last places of one activity and report in for one emergency, each from
their own login, all clients at once.

    volunteer_worker.py -d DB --setup CONTENDERS PLACES
        a community, an activity whose places are all taken but PLACES,
        CONTENDERS volunteers with a login each, in a squad of an active
        emergency; prints nothing
    volunteer_worker.py -d DB --client N --clients C --ready PATH --go PATH
        --journal FILE
        the volunteers whose number is N modulo C: create the ready file,
        wait for the go file, then each signs up once and reports in twice
    volunteer_worker.py -d DB --check    print the facts as JSON
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
                __file__))))

from tests.points_worker import transact  # noqa: E402

TAKEN = 17
LOGIN = 'conc_volunteer_%03d'


def setup(database, contenders, places):
    import datetime as dt

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0) as transaction:
        pool = Pool()
        Area = pool.get('civic.area')
        Level = pool.get('civic.area.level')
        Household = pool.get('civic.household')
        Party = pool.get('party.party')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        Volunteer = pool.get('civic.volunteer')
        Activity = pool.get('civic.volunteer.activity')
        Signup = pool.get('civic.volunteer.signup')
        Emergency = pool.get('civic.volunteer.emergency')
        levels = {l.code: l for l in Level.search([])}
        parent = None
        for code, level in (('VC', 'county'), ('VCS', 'street'),
                ('VCC', 'community'), ('VCB', 'big_grid'),
                ('VCM', 'medium_grid'), ('VCW', 'micro_grid')):
            parent, = Area.create([{'name': code, 'code': code,
                        'level': levels[level].id,
                        'parent': parent.id if parent else None}])
        community, = Area.search([('code', '=', 'VCC')])
        household, = Household.create([{'name': '并发', 'area': parent.id}])
        parties = Party.create([{'name': f'志愿者{i}',
                    'household': household.id}
                for i in range(TAKEN + contenders)])
        group = ModelData.get_id('civic_volunteer', 'group_civic_volunteer')
        users = User.create([{'login': LOGIN % i, 'name': LOGIN % i,
                    'groups': [('add', [group])]}
                for i in range(contenders)])
        volunteers = Volunteer.create([{'party': p.id, 'area': community.id}
                for p in parties])
        early, contending = volunteers[:TAKEN], volunteers[TAKEN:]
        for volunteer, user in zip(contending, users):
            volunteer.user = user
        Volunteer.save(contending)
        team, = pool.get('civic.volunteer.team').create([{
                    'name': '并发志愿服务队', 'area': community.id}])
        now = dt.datetime.now().replace(microsecond=0)
        activity, = Activity.create([{'name': '并发活动', 'team': team.id,
                    'area': community.id, 'place': '社区',
                    'start': now + dt.timedelta(days=1),
                    'end': now + dt.timedelta(days=1, hours=2),
                    'capacity': TAKEN + places, 'organiser': 1}])
        Activity.publish([activity])
        Signup.create([{'activity': activity.id, 'volunteer': v.id}
                for v in early])
        pool.get('civic.volunteer.squad').create([{'name': '并发编队',
                    'area': community.id,
                    'members': [('add', [v.id for v in contending])]}])
        emergency, = Emergency.create([{'name': '并发应急',
                    'area': community.id}])
        Emergency.activate([emergency])
        transaction.commit()


def client(database, number, clients, ready, go, journal):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0):
        pool = Pool()
        activity, = pool.get('civic.volunteer.activity').search(
            [('name', '=', '并发活动')])
        Task = pool.get('civic.volunteer.emergency.task')
        mine = [(t.volunteer.user.id, t.id) for t in Task.search(
                [('volunteer.user', '!=', None)], order=[('id', 'ASC')])
            if int(t.volunteer.user.login.rsplit('_', 1)[1]) % clients
            == number]
        activity = activity.id
    open(ready, 'w').close()
    while not os.path.exists(go):
        time.sleep(0.01)
    with open(journal, 'w') as file:
        for user, task in mine:
            status, _ = transact(database, user,
                'civic.volunteer.activity', 'sign_up', [activity])
            file.write(json.dumps(['sign_up', user, status]) + '\n')
            for _ in range(2):
                status, _ = transact(database, user,
                    'civic.volunteer.emergency.task', 'report_in', [task])
                file.write(json.dumps(['report_in', user, status]) + '\n')


def check(database):
    from collections import Counter

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, readonly=True):
        pool = Pool()
        activity, = pool.get('civic.volunteer.activity').search(
            [('name', '=', '并发活动')])
        signups = pool.get('civic.volunteer.signup').search(
            [('activity', '=', activity.id)])
        tasks = pool.get('civic.volunteer.emergency.task').search(
            [('emergency.name', '=', '并发应急')])
        logs = pool.get('ir.model.log').search([
                ('resource', 'like', 'civic.volunteer.emergency.task,%'),
                ('event', '=', 'transition'),
                ('target', '=', 'state:reported'),
                ])
        per_task = Counter(l.resource.id for l in logs)
        return {
            'capacity': activity.capacity,
            'states': dict(Counter(s.state for s in signups)),
            'signups_per_volunteer': max(Counter(
                    s.volunteer.id for s in signups).values()),
            'tasks': len(tasks),
            'reported': sum(1 for t in tasks
                if t.state == 'reported' and t.reported_at),
            'reports_per_task': sorted(set(per_task[t.id] for t in tasks)),
            }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('-d', dest='database', required=True)
    parser.add_argument('--setup', nargs=2, type=int)
    parser.add_argument('--client', type=int)
    parser.add_argument('--clients', type=int)
    parser.add_argument('--ready')
    parser.add_argument('--go')
    parser.add_argument('--journal')
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args()
    from trytond.pool import Pool
    Pool.start()
    Pool(args.database).init()
    if args.setup:
        setup(args.database, *args.setup)
    elif args.check:
        print(json.dumps(check(args.database)))
    else:
        client(args.database, args.client, args.clients, args.ready,
            args.go, args.journal)


if __name__ == '__main__':
    main()
