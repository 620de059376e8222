#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Create (or refresh, keeping their passwords) one demo user per role,
speaking Chinese"""
import argparse
import os
import sys

PASSWORD = 'civicgrid2026'
# generate.py makes the visits of this login's grid in its name
GRID_WORKER_LOGIN = 'gridworker'
# and this login the contact of the first unit reporting to 和平社区
UNIT_LOGIN = 'unit'
# and this login the staff of the first property company
PROPERTY_LOGIN = 'property'
# and this login one volunteer of 和平社区 (volunteer_demo.py)
VOLUNTEER_LOGIN = 'volunteer'
# station_demo.py makes this login the manager of 和平社区's care station
STATION_LOGIN = 'station'
# and this login one rider of 和平社区, whose phone posts to the station
# routes with this fixed demo key of the user application civic_station
# (Authorization: bearer demo-rider-phone)
RIDER_LOGIN = 'rider'
RIDER_KEY = 'demo-rider-phone'
# login, name, groups (module.XML id, each module owns its groups), scope
# (area code or None), sensitive data
USERS = [
    ('civic_admin', '网格治理管理员', ['civic_grid.group_civic_admin'], None,
        True),
    ('street', '街道工作人员（兰山街道）', ['civic_grid.group_civic_street'],
        'D01S01', True),
    ('community', '社区工作人员（和平社区）',
        ['civic_grid.group_civic_community'], 'D01S01C01', False),
    (GRID_WORKER_LOGIN, '网格员（第1小网格）', ['civic_grid.group_civic_grid_worker'],
        'D01S01C01B01M01S01', False),
    ('merchant', '积分超市商户', ['civic_points.group_civic_merchant'], None,
        False),
    (UNIT_LOGIN, '临沂市税务局兰山分局联络员',
        ['civic_party.group_civic_member_unit'],
        None, False),
    # the company redeems its compounds' property-fee deductions as a
    # merchant
    (PROPERTY_LOGIN, '红心物业服务有限公司工作人员',
        ['civic_property.group_civic_property',
            'civic_points.group_civic_merchant'], None, False),
    # the volunteer's own sign-ups, hours, certificates, emergency tasks
    # and the service orders dispatched to them
    (VOLUNTEER_LOGIN, '志愿者（和平社区）',
        ['civic_volunteer.group_civic_volunteer'], None, False),
    # the visits, riders and suggestions of the station they manage
    (STATION_LOGIN, '驿站管理员（和平社区暖"新"驿站）',
        ['civic_station.group_civic_station'], None, False),
    # no group: a rider checks in, reports and suggests from the phone
    (RIDER_LOGIN, '骑手（美团外卖和平配送站）', [], None, False),
    ]
# the model a login without a group needs (its module is activated)
NEEDS = {
    RIDER_LOGIN: 'civic.station.rider',
    }

# the list each login opens on (module.XML id of its act_window), when its
# module is activated: where the role's daily work is
HOMES = {
    'admin': 'civic_grid.act_statistics',
    'civic_admin': 'civic_grid.act_statistics',
    'street': 'civic_grid.act_statistics',
    'community': 'civic_event.act_event',
    GRID_WORKER_LOGIN: 'civic_event.act_event',
    'merchant': 'civic_points.act_redemption_merchant',
    UNIT_LOGIN: 'civic_party.act_member_report',
    PROPERTY_LOGIN: 'civic_property.act_log',
    VOLUNTEER_LOGIN: 'civic_volunteer.act_signup_own',
    STATION_LOGIN: 'civic_station.act_visit',
    }


def home_actions(pool, login):
    "The ir.action ids the login opens at login ([] without its module)"
    ModelData = pool.get('ir.model.data')
    ActWindow = pool.get('ir.action.act_window')
    home = HOMES.get(login)
    if not home:
        return []
    try:
        window = ActWindow(ModelData.get_id(*home.split('.')))
    except KeyError:
        return []
    return [window.action.id]


def ensure_users(password=PASSWORD):
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    Area = pool.get('civic.area')
    Lang = pool.get('ir.lang')
    ModelData = pool.get('ir.model.data')
    zh_cn, = Lang.search([('code', '=', 'zh_CN')])
    if not zh_cn.translatable:
        Lang.write([zh_cn], {'translatable': True})
    users = []
    for login, name, groups, scope, sensitive in USERS:
        try:
            group_ids = [ModelData.get_id(*g.split('.')) for g in groups]
            if login in NEEDS:
                pool.get(NEEDS[login])
        except KeyError:
            continue  # the module of the role is not activated
        if sensitive:
            group_ids.append(
                ModelData.get_id('civic_grid', 'group_civic_sensitive'))
        areas = Area.search([('code', '=', scope)]) if scope else []
        values = {
            'name': name,
            'language': zh_cn.id,
            'groups': [('add', group_ids)],
            'civic_areas': [('add', [a.id for a in areas])],
            'actions': [('add', home_actions(pool, login))],
            }
        user = User.search([('login', '=', login)])
        if user:
            # the password an administrator may have changed stays; a user
            # the demo data made without one (the grid worker) gets it
            _, password_hash, _ = User._get_login(login)
            if not password_hash:
                values['password'] = password
            User.write(user, values)
        else:
            user = User.create([
                    {'login': login, 'password': password, **values}])
        users.append((login, name, scope))
    link_merchant_user(pool)
    link_rider_key(pool)
    admin, = User.search([('login', '=', 'admin')])
    User.write([admin], {
            'name': '系统管理员',
            'language': zh_cn.id,
            'actions': [('add', home_actions(pool, 'admin'))],
            })
    close_config_wizard(pool)
    return users


def close_config_wizard(pool):
    """The demo is configured (languages, modules, users): the
    administrator's first login opens no configuration wizard"""
    ConfigItem = pool.get('ir.module.config_wizard.item')
    ConfigItem.write(
        ConfigItem.search([('state', '=', 'open')]), {'state': 'done'})


def link_merchant_user(pool):
    "The demo merchant redeems for the points supermarket and the canteen"
    try:
        Merchant = pool.get('civic.points.merchant')
    except KeyError:
        return
    user, = pool.get('res.user').search([('login', '=', 'merchant')])
    merchants = Merchant.search([('code', 'in', ['SHOP01', 'CANTEEN01'])])
    if merchants:
        Merchant.write(merchants, {'users': [('add', [user.id])]})


def link_rider_key(pool):
    """The demo rider's phone: the key RIDER_KEY of the user application
    civic_station, validated, for the rider login"""
    try:
        pool.get('civic.station.rider')
    except KeyError:
        return
    Application = pool.get('res.user.application')
    user, = pool.get('res.user').search([('login', '=', RIDER_LOGIN)])
    values = {'user': user.id, 'application': 'civic_station',
        'state': 'validated'}
    applications = Application.search([('key', '=', RIDER_KEY)])
    if applications:
        Application.write(applications, values)
    else:
        Application.create([{'key': RIDER_KEY, **values}])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('-c', '--config', default=None)
    parser.add_argument('--password', default=PASSWORD)
    args = parser.parse_args()
    if args.config:
        os.environ['TRYTOND_CONFIG'] = args.config
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    Pool(args.database).init()
    with Transaction().start(args.database, 0) as transaction:
        users = ensure_users(args.password)
        transaction.commit()
    print('Demo users (password: %s):' % args.password)
    for login, name, scope in users:
        print(f'  {login:<12} {name}' + (f'  [{scope}]' if scope else ''))
    if any(login == RIDER_LOGIN for login, _, _ in users):
        print(f'The {RIDER_LOGIN} login\'s phone key (user application '
            f'civic_station): {RIDER_KEY}')


if __name__ == '__main__':
    sys.exit(main())
