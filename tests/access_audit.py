#!/usr/bin/env python3
# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The registry-driven access audit: every entry point of every Civic Grid
module, called by every scoped role on records outside its scope, must
refuse, and must refuse a record that does not exist with the same words.

The entry points are read from the pool, not listed by hand: every model
placed in the area tree (its `_scope_area`) with read, write, delete, copy
and each button; every Many2One, Many2Many and Reference field that points
at such a model, written by create; every wizard, by its records and by the
values of its forms; every report; every other RPC method.  An entry point
the audit cannot judge by itself (a wizard reading a file, an RPC method)
needs a probe in PROBES: one without a probe fails the audit, so a new
module's entry points are covered, or flagged, the day they land.

Each call goes through the in-process dispatcher (tests/dispatch.py) as the
JSON-RPC server would make it, in a transaction that is always rolled back.

    access_audit.py -d DB --setup    the fixture: tiny district, roles, records
    access_audit.py -d DB            run the audit, print the report as JSON
    access_audit.py -d DB --fuzz     send wrong values to every public method
"""
import argparse
import collections
import datetime as dt
import io
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = 'civicgrid2026'
# The scoped roles: login, groups, scope (area codes)
ROLES = {
    'street': (['civic_grid.group_civic_street',
            'civic_grid.group_civic_sensitive'], ['D01S01']),
    'community': (['civic_grid.group_civic_community'], ['D01S01C01']),
    'gridworker': (['civic_grid.group_civic_grid_worker'],
        ['D01S01C01B01M01S01']),
    'merchant': (['civic_points.group_civic_merchant'], []),
    'unit': (['civic_party.group_civic_member_unit'], []),
    'property': (['civic_property.group_civic_property'], []),
    'volunteer': (['civic_volunteer.group_civic_volunteer'], []),
    'station': (['civic_station.group_civic_station'], []),
    }
MERCHANT = 'SHOP01'
# The community of the volunteer login's own volunteer
VOLUNTEER_HOME = 'D01S01C01'
# Who fuzzes: passes every access check
FUZZ_USER = 'civic_admin'
OUTSIDE = 'D01S02C01'
# What some models let every user of the staff read, by design
PUBLIC_READ = {
    'civic.area': "the area tree is the district's public map",
    'civic.appointment': "who serves where is on the public display boards",
    'civic.points.merchant': "the merchants of the points mall are public",
    'civic.points.offer': "the offers of the points mall are public",
    'civic.points.merchant-res.user': "who redeems for a merchant",
    'civic.property.company': "property companies are registered "
    "businesses",
    'civic.property.company-res.user': "who works for a property company",
    'civic.property.steward': "red stewards serve under their name and "
    "service phone",
    'civic.property.steward-civic.building': "which buildings a red "
    "steward looks after is published to the residents",
    }
# Campaigns of the areas above the user's are the user's work too
READ_ANCESTORS = {'civic.visit.campaign', 'civic.property.evaluation',
    # the district's assessment runs (their sheets are read in the scope)
    'civic.assessment.run',
    # the volunteers and emergencies of the community or street above
    'civic.volunteer', 'civic.volunteer.emergency'}
# The records a merchant owns: path to civic.points.merchant
MERCHANT_OWNED = {
    'civic.points.merchant': 'id',
    'civic.points.offer': 'merchant',
    'civic.points.merchant-res.user': 'merchant',
    'civic.points.redemption': 'merchant',
    'civic.points.settlement': 'merchant',
    }
# The records a member unit's contact owns: path to the unit (party.party)
UNIT_OWNED = {
    'civic.party.unit_report': 'unit',
    'civic.party.unit_report-res.user': 'report.unit',
    'civic.party.member_report': 'member.work_unit',
    'civic.party.member': 'work_unit',
    'civic.party.resource': 'unit',
    'civic.party.project': 'unit',
    }
# The records a property company's staff owns: path to the company
PROPERTY_OWNED = {
    'civic.property.company': 'id',
    'civic.property.company-res.user': 'company',
    'civic.property.management': 'company',
    'civic.property.steward': 'company',
    'civic.property.steward-civic.building': 'steward.company',
    'civic.property.log': 'company',
    'civic.property.project': 'company',
    'civic.property.coverage': 'company',
    'civic.compound': 'property_company',
    'civic.building': 'compound.property_company',
    'civic.property.complaint': 'company',
    'civic.property.complaint.month': 'company',
    'civic.property.evaluation': 'lines.company',
    'civic.property.evaluation.line': 'company',
    'civic.property.fee.deduction': 'company',
    }
# The records a volunteer owns: path to their civic.volunteer
VOLUNTEER_OWNED = {
    'civic.volunteer': 'id',
    'civic.volunteer-civic.volunteer.skill': 'volunteer',
    'civic.volunteer.team': 'members',
    'civic.volunteer.team-civic.volunteer': 'volunteer',
    'civic.volunteer.signup': 'volunteer',
    'civic.volunteer.record': 'volunteer',
    'civic.volunteer.squad': 'members',
    'civic.volunteer.squad-civic.volunteer': 'volunteer',
    'civic.volunteer.emergency': 'tasks.volunteer',
    'civic.volunteer.emergency.task': 'volunteer',
    'civic.volunteer.certificate': 'volunteer',
    'civic.volunteer.certificate-civic.volunteer.record':
    'certificate.volunteer',
    'civic.service.order': 'assignee',
    }
# The records a station manager owns: path to their civic.station
STATION_OWNED = {
    'civic.station': 'id',
    'civic.station-civic.station.facility': 'station',
    'civic.station-res.user': 'station',
    'civic.station.hours': 'station',
    'civic.station.photo': 'station',
    'civic.station.visit': 'station',
    'civic.station.visit-civic.station.facility': 'visit.station',
    'civic.station.suggestion': 'station',
    'civic.station.rider': 'visits.station',
    'civic.station.month': 'station',
    }
# The community of the station login's own station
STATION_HOME = 'D01S01C01'
# Records an owner may read and act on without owning them: (model: field,
# values, why)
OPEN_TO_OWNERS = {
    'civic.property.project': ('state', {'posted'},
        "a posted service project is an open call every company may claim"),
    'civic.volunteer.activity': ('state', {'published', 'done'},
        "published activities are open to every volunteer's sign-up"),
    }
STANDARD_RPC = {'autocomplete', 'copy', 'create', 'default_get', 'delete',
    'export_data', 'export_data_domain', 'fields_get', 'fields_view_get',
    'history_revisions', 'import_data', 'on_change', 'on_change_notify',
    'on_change_with', 'on_scan_code', 'pre_validate', 'read', 'resources',
    'search', 'search_count', 'search_read', 'view_toolbar_get', 'write',
    'view_attachment', 'history_get'}
AREA_MARKERS = {'configuration', 'aggregate'}
# A model's records for a role: one outside its scope to act on, one it may
# not read, one inside, one placed in the area tree outside
Sample = collections.namedtuple('Sample', 'act read inside placed')


def civic(Model):
    return any(c.__module__.split('.')[0].startswith('civic')
        for c in Model.__mro__)


class Audit:

    def __init__(self, database):
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        self.database = database
        self.pool = Pool(database)
        self.failures = []
        self.uncovered = []
        self.checked = collections.Counter()
        with Transaction().start(database, 0):
            self.load()

    # --- the fixture, read as root ------------------------------------
    def load(self):
        pool = self.pool
        Area = pool.get('civic.area')
        User = pool.get('res.user')
        Merchant = pool.get('civic.points.merchant')
        self.users = {u.login: u.id for u in User.search([
                    ('login', 'in', list(ROLES) + [FUZZ_USER])])}
        self.subtrees = {}
        self.ancestors = {}
        for login, (_, codes) in ROLES.items():
            roots = Area.search([('code', 'in', codes)])
            self.subtrees[login] = {a.id for a in Area.search(
                    [('parent', 'child_of', [a.id for a in roots])])}
            self.ancestors[login] = {int(i) for a in roots
                for i in (a.path or '').split('/') if i}
        merchant, = Merchant.search([('code', '=', MERCHANT)])
        UnitReport = pool.get('civic.party.unit_report')
        units = {r.unit.id for r in UnitReport.search(
                [('contacts', '=', self.users['unit'])])}
        # the roles that own their records rather than areas
        Company = pool.get('civic.property.company')
        companies = set(Company.of_user(self.users['property']))
        self.owners = {
            'merchant': ({merchant.id}, MERCHANT_OWNED),
            'unit': (units, UNIT_OWNED),
            'property': (companies, PROPERTY_OWNED),
            'volunteer': (set(pool.get('civic.volunteer').of_user(
                        self.users['volunteer'])), VOLUNTEER_OWNED),
            'station': (set(pool.get('civic.station').of_user(
                        self.users['station'])), STATION_OWNED),
            }
        from trytond.model import ModelSQL
        self.models = {}
        self.unmixed = []
        for name, Model in pool.iterobject():
            if not civic(Model) or not issubclass(Model, ModelSQL):
                continue
            if hasattr(Model, '_scope_area'):
                self.models[name] = Model
            elif name.startswith('civic.'):
                self.unmixed.append(name)
        self.samples = {name: self.sample(name) for name in self.models}

    def sample(self, name):
        """{login: (an id outside the role's scope for acting, one outside
        for reading, one inside)} of model name"""
        Model = self.models[name]
        path = Model._scope_area
        if not path or path in AREA_MARKERS:
            records = [] if is_view(Model) else Model.search(
                [], order=[('id', 'DESC')], limit=1)
            return {login: Sample(records[0].id if records else None,
                    None, None, None) for login in ROLES}
        records = Model.search([], order=[('id', 'DESC')], limit=500)
        result = {}
        for login in ROLES:
            outside = outside_read = inside = unplaced = placed = None
            for record in records:
                area = self.area_of(record, path)
                if self.inside(login, name, record, area) or (
                        self.open_to_owner(login, name, record)):
                    inside = inside or record.id
                    continue
                if area is None:
                    unplaced = unplaced or record.id
                    continue
                outside = outside or record.id
                if not self.readable_anyway(login, name, record, area):
                    outside_read = outside_read or record.id
                if area not in self.ancestors[login]:
                    # the areas above one's own may be pointed at
                    placed = placed or record.id
            result[login] = Sample(outside or unplaced, outside_read, inside,
                placed)
        return result

    @staticmethod
    def area_of(record, path):
        """The id at the end of path from record; through a One2Many, the
        frozenset of the ids (None for none)"""
        value = record
        names = path.split('.')
        for position, name in enumerate(names):
            if name == 'id':
                break
            value = getattr(value, name, None)
            if value is None:
                return None
            if isinstance(value, tuple):
                rest = '.'.join(names[position + 1:]) or 'id'
                ids = {Audit.area_of(v, rest) for v in value} - {None}
                return frozenset(ids) or None
        return value.id

    def inside(self, login, name, record, area):
        if login in self.owners:
            owned, paths = self.owners[login]
            path = paths.get(name)
            if not path:
                return False
            owner = self.area_of(record, path)
            if isinstance(owner, frozenset):
                return bool(owner & owned)
            return owner in owned
        return area in self.subtrees[login]

    def open_to_owner(self, login, name, record):
        if login not in self.owners or name not in OPEN_TO_OWNERS:
            return False
        field, values, _ = OPEN_TO_OWNERS[name]
        return getattr(record, field) in values

    def readable_anyway(self, login, name, record, area):
        if name in PUBLIC_READ and not (
                login in self.owners and name in self.owners[login][1]):
            # public to the staff; an owner reads its own records
            return True
        if name == 'party.party' and not record.household:
            return True  # not a resident: a shop, a company
        if name in READ_ANCESTORS and area in self.ancestors[login]:
            return True
        return False

    # --- calling -------------------------------------------------------
    def call(self, login, model, method, *args, context=None):
        """Return the error the role's call raised (None if it passed),
        always rolled back"""
        from trytond.exceptions import UserError, UserWarning

        from tests.dispatch import dispatch
        try:
            dispatch(self.database, self.users[login], model, method, *args,
                context=context, commit=False)
        except (UserError, UserWarning) as error:
            return error
        except Exception as error:
            return error
        return None

    def expect_refusal(self, kind, login, model, method, *args,
            context=None, nonexistent=None):
        """Fail unless the call is refused with an access error; with
        nonexistent (the same call on a record that does not exist), fail
        unless both refusals say the same"""
        if method not in self.pool.get(model).__rpc__:
            return  # not an entry point: the server answers 403
        self.checked[kind] += 1
        error = self.call(login, model, method, *args, context=context)
        label = f'{login}: {model}.{method}{short(args)}'
        if not is_access_error(error):
            self.failures.append(f'{kind}: {label} was not refused'
                + (f' ({type(error).__name__}: {message(error)})'
                    if error else ''))
            return
        if nonexistent is not None:
            other = self.call(login, model, method, *nonexistent,
                context=context)
            if normalise(message(other)) != normalise(message(error)):
                self.failures.append(
                    f'{kind}: {label} tells an existing record from a '
                    f'missing one: "{message(error)}" / "{message(other)}"')

    def root(self):
        "A read-only transaction of root, to look at the fixture"
        from trytond.transaction import Transaction
        return Transaction(new=True).start(self.database, 0, readonly=True)

    # --- the audit -----------------------------------------------------
    def run(self):
        self.missing_id = 10 ** 9
        for name in self.unmixed:
            self.uncovered.append(f'{name} is not a ScopeMixin')
        for name in sorted(self.models):
            self.audit_model(name)
        self.audit_references()
        self.audit_wizards()
        self.audit_reports()
        self.audit_rpc()
        self.audit_state_writes()
        return {
            'checked': dict(self.checked),
            'total': sum(self.checked.values()),
            'failures': self.failures,
            'uncovered': self.uncovered,
            }

    def audit_model(self, name):
        Model = self.models[name]
        if Model.__dict__.get('_scope_area', Model._scope_area) is None:
            self.uncovered.append(f'{name} declares no _scope_area')
            return
        if Model._scope_area == 'aggregate':
            return  # figures computed in the user's scope by their query
        if Model._scope_area == 'configuration':
            self.audit_configuration(name)
            return
        for login in ROLES:
            outside, outside_read, _, _ = self.samples[name][login]
            if outside is None:
                self.uncovered.append(
                    f'{name}: no record outside the scope of {login}')
                continue
            # A record the role may read anyway exists for it: no need to
            # hide that; one it may not read must look like a missing one
            hidden = outside == outside_read
            missing = [self.missing_id]

            def refused(kind, method, *args, nonexistent=None):
                self.expect_refusal(kind, login, name, method, *args,
                    nonexistent=nonexistent if hidden else None)
            if outside_read is not None:
                self.expect_refusal('read', login, name, 'read',
                    [outside_read], ['id'],
                    nonexistent=(missing, ['id']))
            if is_view(Model):
                continue  # figures: read only
            refused('write', 'write', [outside], {},
                nonexistent=(missing, {}))
            refused('delete', 'delete', [outside], nonexistent=(missing,))
            refused('copy', 'copy', [outside], {}, nonexistent=(missing, {}))
            for button in sorted(getattr(Model, '_buttons', {})):
                refused('button', button, [outside], nonexistent=(missing,))

    def audit_state_writes(self):
        """No side door into a state machine: even the civic administrator
        changes a workflow's state only through its buttons"""
        for name in sorted(self.models):
            Model = self.models[name]
            state = getattr(Model, '_transition_state', None)
            if (is_view(Model) or not state
                    or not getattr(Model, '_transitions', None)):
                continue
            with self.root():
                records = Model.search([], limit=1, order=[('id', 'ASC')])
                if not records:
                    self.uncovered.append(f'{name}: no record to change')
                    continue
                record, = records
                current = getattr(record, state)
                targets = {t for s, t in Model._transitions if s == current}
            for target in sorted(targets):
                self.expect_refusal('state', FUZZ_USER, name, 'write',
                    [record.id], {state: target})
            default = Model._defaults[state]()
            others = sorted({t for _, t in Model._transitions} - {default})
            if others:
                self.expect_refusal('state', FUZZ_USER, name, 'create',
                    [{state: others[0]}])

    def audit_configuration(self, name):
        "Configuration: the scoped roles cannot change it"
        for login in ROLES:
            record = self.samples[name][login].act
            self.expect_refusal('configuration', login, name, 'create',
                [{}])
            if record is not None:
                self.expect_refusal('configuration', login, name, 'write',
                    [record], {})
                self.expect_refusal('configuration', login, name,
                    'delete', [record])

    def scoped_targets(self, field, Model=None):
        "The scoped models a relation field of Model may point at"
        if field._type == 'reference':
            selection = field.selection
            if isinstance(selection, str):
                with self.root():
                    selection = getattr(Model, selection)()
            names = [m for m, _ in selection if m]
        else:
            names = [field.get_target().__name__]
        return [n for n in names if n in self.models
            and self.models[n]._scope_area not in (None, *AREA_MARKERS)]

    def audit_references(self):
        """Every relation of a civic model to a scoped model, given a record
        outside the role's scope by create and by write"""
        relations = []
        with self.root():
            for name in sorted(self.models):
                Model = self.models[name]
                if is_view(Model):
                    continue
                for field_name, field in sorted(Model._fields.items()):
                    if field._type not in {'many2one', 'many2many',
                            'reference'} or field_name in {
                            'create_uid', 'write_uid'}:
                        continue
                    if hasattr(field, 'getter') and not getattr(
                            field, 'setter', None):
                        continue  # a Function field nobody writes
                    for target in self.scoped_targets(field, Model):
                        relations.append((name, field_name, field, target))
        for relation in relations:
            self.audit_reference(*relation)

    def audit_reference(self, name, field_name, field, target):
        """The write of an inside record and the create of a new one with
        the relation pointing outside; a create that fails for another
        reason (a required value) must not leave the write unchecked"""
        for login in ROLES:
            outside = self.placed_outside(target, login)
            if outside is None:
                continue
            if field._type == 'many2many':
                value = [('add', [outside])]
            elif field._type == 'reference':
                value = f'{target},{outside}'
            else:
                value = outside
            inside = self.samples[name][login].inside
            if inside is not None:
                self.expect_refusal('reference', login, name, 'write',
                    [inside], {field_name: value})
            if 'create' not in self.models[name].__rpc__:
                continue  # written through the relation of another model
            self.checked['reference'] += 1
            error = self.call(login, name, 'create', [{field_name: value}])
            if not is_access_error(error) and (inside is None
                    or not is_user_error(error)):
                self.failures.append(f'reference: {login}: {name}.create '
                    f'with {field_name}={target},{outside} was not refused '
                    f'({describe(error)})')

    def placed_outside(self, model, login):
        "A record placed in the area tree outside the role's scope"
        return self.samples[model][login].placed

    def audit_wizards(self):
        from civic_grid.scope import ScopedWizard
        ActionWizard = self.pool.get('ir.action.wizard')
        for name, Wizard in sorted(self.pool.iterobject('wizard')):
            if not civic(Wizard):
                continue
            if not issubclass(Wizard, ScopedWizard):
                self.failures.append(f'wizard {name} is not a ScopedWizard')
                continue
            covered = False
            with self.root():
                actions = ActionWizard.search([('wiz_name', '=', name)])
                models = [a.model for a in actions]
                if not actions or any(not a.groups for a in actions):
                    self.uncovered.append(
                        f'wizard {name}: an action open to every group')
            for model in models:
                if model in self.models:
                    covered |= self.audit_wizard_records(
                        name, Wizard, model)
            covered |= self.audit_wizard_values(name, Wizard)
            if name in PROBES:
                PROBES[name](self)
                covered = True
            if not covered:
                self.uncovered.append(
                    f'wizard {name}: no record, no scoped value, no probe')

    def audit_wizard_records(self, name, Wizard, model):
        for login in ROLES:
            outside = self.samples[model][login].act
            if outside is None:
                continue
            context = {'active_model': model, 'active_id': outside,
                'active_ids': [outside]}
            self.checked['wizard'] += 1
            error = self.run_wizard(login, name, Wizard, {},
                Wizard.start_state, context)
            if not is_access_error(error):
                self.failures.append(f'wizard: {login}: {name} on '
                    f'{model},{outside} was not refused ({describe(error)})')
        return True

    def audit_wizard_values(self, name, Wizard):
        from trytond.wizard import StateView
        relations = []
        with self.root():
            for state_name, state in Wizard.states.items():
                if not isinstance(state, StateView):
                    continue
                View = self.pool.get(state.model_name)
                transitions = [b.state for b in state.buttons
                    if b.state != Wizard.end_state]
                for field_name, field in View._fields.items():
                    if field._type not in {'many2one', 'many2many'}:
                        continue
                    for target in self.scoped_targets(field):
                        relations.append((state_name, field_name,
                                field._type, target, transitions))
        for state_name, field_name, type_, target, transitions in relations:
            for login in ROLES:
                outside = self.placed_outside(target, login)
                if outside is None:
                    continue
                value = outside if type_ == 'many2one' else [outside]
                for transition in transitions:
                    self.checked['wizard'] += 1
                    error = self.run_wizard(login, name, Wizard,
                        {state_name: {field_name: value}}, transition)
                    if not is_access_error(error):
                        self.failures.append(
                            f'wizard: {login}: {name} with '
                            f'{field_name}={target},{outside} '
                            f'was not refused ({describe(error)})')
        return bool(relations)

    def run_wizard(self, login, name, Wizard, data, state, context=None):
        "Create a session and execute state with data; return the error"
        from tests.dispatch import dispatch
        user = self.users[login]
        context = context or {}
        try:
            session, _, _ = dispatch(self.database, user, name,
                'create', context=context, kind='wizard')
            dispatch(self.database, user, name, 'execute', session, data,
                state, context=context, commit=False, kind='wizard')
        except Exception as error:
            return error
        return None

    def audit_reports(self):
        ActionReport = self.pool.get('ir.action.report')
        for name, Report in sorted(self.pool.iterobject('report')):
            if not civic(Report):
                continue
            with self.root():
                models = [a.model for a in ActionReport.search(
                        [('report_name', '=', name)])]
            covered = name in PROBES
            if covered:
                PROBES[name](self)
            for model in models:
                if model not in self.models or self.models[
                        model]._scope_area in (None, *AREA_MARKERS):
                    continue
                covered = True
                for login in ROLES:
                    outside = self.samples[model][login].read
                    if outside is None:
                        continue
                    self.checked['report'] += 1
                    from tests.dispatch import dispatch
                    try:
                        dispatch(self.database, self.users[login], name,
                            'execute', [outside], {'model': model,
                                'id': outside, 'ids': [outside]},
                            commit=False, kind='report')
                        error = None
                    except Exception as exception:
                        error = exception
                    if not is_access_error(error):
                        self.failures.append(f'report: {login}: {name} of '
                            f'{model},{outside} was not refused '
                            f'({describe(error)})')
            if not covered:
                self.uncovered.append(f'report {name}: no scoped record, '
                    'no probe')

    def run_report(self, login, name, data):
        "Execute the report name as login with data; return the error"
        from tests.dispatch import dispatch
        try:
            dispatch(self.database, self.users[login], name, 'execute', [],
                data, commit=False, kind='report')
        except Exception as error:
            return error
        return None

    def audit_rpc(self):
        "Every RPC method that is not a standard one needs a probe"
        for name in sorted(self.models):
            Model = self.models[name]
            buttons = set(getattr(Model, '_buttons', {}))
            for method in sorted(set(Model.__rpc__) - STANDARD_RPC - buttons):
                if method.startswith('on_change'):
                    continue
                probe = PROBES.get(f'{name}.{method}')
                if probe is None:
                    self.uncovered.append(
                        f'RPC method {name}.{method} has no probe')
                else:
                    probe(self)


# --- probes: the entry points the audit cannot judge from the registry ----
def probe_award(audit):
    "Awarding points to a resident outside the scope, or for a foreign origin"
    Line = audit.pool.get('civic.points.line')
    for login in ROLES:
        party = audit.samples['party.party'][login].read
        audit.expect_refusal('rpc', login, Line.__name__, 'award',
            'visit_household', party, 1, None, None, None,
            nonexistent=('visit_household', audit.missing_id, 1, None,
                None, None))
        visit = audit.samples['civic.visit'][login].act
        inside = audit.samples['party.party'][login].inside
        if inside:
            audit.expect_refusal('rpc', login, Line.__name__, 'award',
                'visit_household', inside, 1, f'civic.visit,{visit}', None,
                None)


def probe_get_origins(audit):
    "The list of models a line may come from: no record, nothing to refuse"
    audit.checked['rpc'] += 1


def probe_redeem_code(audit):
    """Redeeming a voucher of another merchant, or any voucher for a
    non-merchant"""
    foreign, mine = voucher_codes(audit)
    unknown = 'ZZZZ2222'
    for login in ROLES:
        for code in [foreign] + ([mine] if login != 'merchant' else []):
            audit.checked['rpc'] += 1
            error = audit.call(login, 'civic.points.redemption',
                'redeem_code', code)
            other = audit.call(login, 'civic.points.redemption',
                'redeem_code', unknown)
            if not is_user_error(error) or message(error).replace(
                    code, unknown) != message(other):
                audit.failures.append(f'rpc: {login}: redeem_code of a '
                    f'voucher outside its scope: {describe(error)} / '
                    f'{describe(other)}')


def voucher_codes(audit):
    "The codes of an issued voucher of another merchant and of one's own"
    Redemption = audit.pool.get('civic.points.redemption')
    Merchant = audit.pool.get('civic.points.merchant')
    with audit.root():
        own, = Merchant.search([('code', '=', MERCHANT)])
        foreign, = Redemption.search([('state', '=', 'issued'),
                ('merchant', '!=', own.id)], limit=1)
        mine = Redemption.search([('state', '=', 'issued'),
                ('merchant', '=', own.id)], limit=1)
        return foreign.code, mine[0].code if mine else None


def probe_escalate(audit):
    "The scheduled task, run by hand: civic administrators only"
    for login in ROLES:
        audit.expect_refusal('rpc', login, 'civic.event', 'escalate_overdue')


def probe_work_report(audit):
    """The work report of an area outside the scope (or above it), and of
    any area for the roles that are not offices"""
    Area = audit.pool.get('civic.area')
    with audit.root():
        outside, = Area.search([('code', '=', OUTSIDE)])
        outside, county = outside.id, int(outside.path.split('/')[0])
    for login in ROLES:
        for area in {outside, county}:
            audit.checked['report'] += 1
            error = audit.run_report(login, 'civic.assessment.work_report',
                {'area': area, 'start_date': '2000-01-01',
                    'end_date': '2100-12-31'})
            missing = audit.run_report(login, 'civic.assessment.work_report',
                {'area': audit.missing_id, 'start_date': '2000-01-01',
                    'end_date': '2100-12-31'})
            if not is_access_error(error):
                audit.failures.append(f'report: {login}: the work report '
                    f'of area {area} was not refused ({describe(error)})')
            elif normalise(message(error)) != normalise(message(missing)):
                audit.failures.append(f'report: {login}: the work report '
                    'tells an existing area from a missing one')


def probe_roster_import(audit):
    "A roster with a household in a grid outside the scope"
    import openpyxl

    from civic_grid.roster import COLUMNS
    from civic_grid.tests.tools import id_number
    Area = audit.pool.get('civic.area')
    with audit.root():
        grid, = Area.search([('code', 'like', OUTSIDE + '%'),
                ('level.is_grid', '=', True)], limit=1)
        code = grid.code
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([names[1] for names in COLUMNS.values()])
    sheet.append(['X-1', code, '越界户', '', '越界', '户主',
            id_number(sequence=901), '13900000901', ''])
    output = io.BytesIO()
    workbook.save(output)
    Wizard = audit.pool.get('civic.roster.import', type='wizard')
    for login in ROLES:
        audit.checked['wizard'] += 1
        error = audit.run_wizard(login, 'civic.roster.import', Wizard,
            {'start': {'file': base64_bytes(output.getvalue())}}, 'import_')
        if error is None:
            audit.failures.append(f'wizard: {login}: civic.roster.import '
                f'wrote into {code}')


def probe_redeem_wizard(audit):
    "The merchant's counter: another merchant's voucher"
    foreign, _ = voucher_codes(audit)
    Wizard = audit.pool.get('civic.points.redemption.redeem', type='wizard')
    for login in ROLES:
        audit.checked['wizard'] += 1
        error = audit.run_wizard(login, Wizard.__name__, Wizard,
            {'start': {'code': foreign}}, 'redeem')
        if not is_access_error(error) and not is_user_error(error):
            audit.failures.append(f'wizard: {login}: {Wizard.__name__} '
                f'redeemed another merchant\'s voucher')


def probe_prepare_settlements(audit):
    "Preparing settlements makes none for a merchant outside the scope"
    from trytond.transaction import Transaction, without_check_access

    from tests.dispatch import dispatch
    Settlement = audit.pool.get('civic.points.settlement')
    Merchant = audit.pool.get('civic.points.merchant')
    Redemption = audit.pool.get('civic.points.redemption')
    with audit.root():
        outside = [m.id for m in Merchant.search(
                    [('area.code', '=', OUTSIDE)])]
        redeemed = Redemption.search([('merchant', 'in', outside),
                ('state', '=', 'redeemed')], limit=1)
        month = redeemed[0].redeemed_at.date().replace(day=1)
    Wizard = audit.pool.get('civic.points.settlement.prepare', type='wizard')
    for login in ROLES:
        audit.checked['wizard'] += 1
        user = audit.users[login]
        created = []

        def inspect():
            with Transaction().set_user(0), without_check_access():
                created.extend(Settlement.search([
                            ('merchant', 'in', outside),
                            ('month', '=', month),
                            ('create_uid', '=', user)]))
        try:
            session, _, _ = dispatch(audit.database, user, Wizard.__name__,
                'create', kind='wizard')
            dispatch(audit.database, user, Wizard.__name__, 'execute',
                session, {'start': {'month': month}}, 'prepare',
                commit=False, kind='wizard', inspect=inspect)
        except Exception:
            pass
        if created:
            audit.failures.append(f'wizard: {login}: {Wizard.__name__} '
                'prepared a settlement for a merchant outside its scope')


def probe_event_statistics(audit):
    "The statistics workbook of an area outside the scope holds nothing of it"
    Area = audit.pool.get('civic.area')
    with audit.root():
        outside, = Area.search([('code', '=', OUTSIDE)])
        outside = outside.id
    for login in ('street', 'community', 'gridworker'):
        audit.checked['report'] += 1
        from tests.dispatch import dispatch
        try:
            result = dispatch(audit.database, audit.users[login],
                'civic.event.statistics.xlsx', 'execute', [],
                {'area': outside, 'from_date': None, 'to_date': None},
                commit=False, kind='report')
        except Exception:
            continue
        import openpyxl
        workbook = openpyxl.load_workbook(io.BytesIO(result[1]))
        counted = [row for row in workbook.worksheets[0].iter_rows(
                min_row=2, values_only=True) if any(
                isinstance(v, (int, float)) and v for v in row)]
        if counted:
            audit.failures.append(f'report: {login}: event statistics of '
                f'{OUTSIDE} counted events outside its scope')


PROBES = {
    'civic.points.line.award': probe_award,
    'civic.points.line.get_origins': probe_get_origins,
    'civic.points.redemption.redeem_code': probe_redeem_code,
    'civic.event.escalate_overdue': probe_escalate,
    'civic.roster.import': probe_roster_import,
    'civic.points.redemption.redeem': probe_redeem_wizard,
    'civic.points.settlement.prepare': probe_prepare_settlements,
    'civic.event.statistics.xlsx': probe_event_statistics,
    'civic.assessment.work_report': probe_work_report,
    'civic.assessment.work_report_pdf': probe_work_report,
    }


# --- helpers ---------------------------------------------------------------
def message(error):
    if error is None:
        return ''
    return getattr(error, 'message', str(error))


def normalise(text):
    return re.sub(r'\d+', 'N', text)


def short(args):
    text = repr(args)
    return text if len(text) < 120 else text[:117] + '...'


def describe(error):
    if error is None:
        return 'it passed'
    return f'{type(error).__name__}: {message(error)[:200]}'


def is_view(Model):
    "Whether the model's rows come from a query, not a table"
    return Model._is_table_query()


def is_access_error(error):
    from trytond.model.exceptions import AccessError
    from trytond.model.modelview import AccessButtonError
    return isinstance(error, (AccessError, AccessButtonError))


def is_user_error(error):
    from trytond.exceptions import UserError
    return isinstance(error, UserError)


def base64_bytes(data):
    "Binary values as a JSON-RPC client sends them"
    return data


# --- fuzzing: wrong types everywhere, errors only from trytond or as messages
# What a JSON-RPC client can send in place of a value of any field
JUNK = [None, -999999999, 2 ** 63, 1.5, '', 'abc', '1234abc',
    '2026-13-45', True, [1, 2], [['add', [-5]]], {'a': 1}, 'x' * 5000]


class Fuzz:
    """Call every create, write, button and RPC method of the Civic Grid
    models with wrong values as the civic administrator (who passes every
    access check, so the values reach the deepest code) and a scoped role;
    an error raised by the project's own code that is not a user error (a
    clear message) is a defect"""

    def __init__(self, audit):
        self.audit = audit
        self.crashes = collections.Counter()
        self.examples = {}
        self.calls = 0

    def run(self):
        from civic_grid.scope import AGGREGATE
        for name in sorted(self.audit.models):
            Model = self.audit.models[name]
            if is_view(Model) or Model._scope_area == AGGREGATE:
                continue
            self.fuzz_fields(name, Model)
            for button in sorted(getattr(Model, '_buttons', {})):
                for ids in ([0], [-1], [2 ** 63], ['a'], [None]):
                    self.call(FUZZ_USER, name, button, ids)
        self.fuzz_rpc()
        return {
            'calls': self.calls,
            'crashes': [f'{key} ({count} times), for example {example}'
                for key, count in sorted(self.crashes.items())
                for example in [self.examples[key]]],
            }

    def fuzz_fields(self, name, Model):
        inside = self.audit.samples[name]['community'].inside
        with self.audit.root():
            record = Model.search([], limit=1, order=[('id', 'ASC')])
        for field_name, field in sorted(Model._fields.items()):
            if field_name in {'id', 'create_uid', 'create_date',
                    'write_uid', 'write_date', 'rec_name'}:
                continue
            if hasattr(field, 'getter') and not getattr(
                    field, 'setter', None):
                continue
            for value in JUNK:
                values = {field_name: value}
                if 'create' in Model.__rpc__:
                    self.call(FUZZ_USER, name, 'create', [values])
                if record and 'write' in Model.__rpc__:
                    self.call(FUZZ_USER, name, 'write', [record[0].id],
                        values)
                if inside and 'write' in Model.__rpc__:
                    self.call('community', name, 'write', [inside], values)

    def fuzz_rpc(self):
        line = 'civic.points.line'
        for args in [('2026-13-45',), ('visit_household', 'abc', 1),
                ('visit_household', -1, 1), ('visit_household', 2 ** 63, 1),
                ('visit_household', None, 1), (123, 1, 1),
                ('visit_household', 1, 'abc'), ('visit_household', 1, 1.5),
                ('visit_household', 1, 1, 'civic.visit,0'),
                ('visit_household', 1, 1, 'civic.visit,-1'),
                ('visit_household', 1, 1, f'civic.visit,{2 ** 63}'),
                ('visit_household', 1, 1, 'nothing,1'),
                ('visit_household', 1, 1, None, '2026-13-45'),
                ('visit_household', 1, 1, None, None, {'a': 1}),
                ('visit_household', [1], 1, None, None, None)]:
            self.call(FUZZ_USER, line, 'award', *args)
        for code in [123, None, [], {}, 'x' * 100000, '\x00', '🙂']:
            self.call('merchant', 'civic.points.redemption', 'redeem_code',
                code)
        for args in [(), ('2026-01-01',), (None,), (1, 2)]:
            self.call(FUZZ_USER, 'civic.event', 'escalate_overdue', *args)
        for name in sorted(n for n, _ in self.audit.pool.iterobject('report')
                if n.startswith('civic.')):
            for data in [{'area': 'abc'}, {'area': [1]}, {'area': -1},
                    {'from_date': '2026-13-45'}, {'to_date': 5},
                    {'model': 'nothing'}, None]:
                self.call(FUZZ_USER, name, 'execute', [1], data,
                    kind='report')

    def call(self, login, model, method, *args, kind='model'):
        from trytond.exceptions import UserError, UserWarning

        from tests.dispatch import dispatch
        self.calls += 1
        try:
            dispatch(self.audit.database, self.audit.users[login], model,
                method, *args, commit=False, kind=kind)
        except (UserError, UserWarning):
            pass
        except Exception as error:
            frame = project_frame(error)
            if frame:
                key = f'{model}.{method}: {type(error).__name__} at {frame}'
                self.crashes[key] += 1
                self.examples.setdefault(key, short(args))


def project_frame(error):
    "'file:line' of the innermost frame, when it is in the project's code"
    import traceback
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return None
    last = frames[-1]
    addons = os.path.join(ROOT, 'addons')
    if last.filename.startswith(addons):
        return f'{os.path.relpath(last.filename, ROOT)}:{last.lineno}'
    return None


# --- the fixture -------------------------------------------------------------
def setup(database):
    """The tiny district with its points and events, one user per scoped
    role, and the records outside the community the demo data lacks"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    sys.path.insert(0, os.path.join(ROOT, 'scripts'))
    import generate
    with Transaction().start(database, 0) as transaction:
        generate.Generator('tiny').run()
        transaction.commit()
    extras = {}
    while True:
        # restarted as trytond's dispatcher does when a lock asks for it
        with Transaction().start(database, 0, **extras) as transaction:
            try:
                make_users(Pool())
                make_outside_records(Pool())
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            break


def make_users(pool):
    User = pool.get('res.user')
    Area = pool.get('civic.area')
    ModelData = pool.get('ir.model.data')
    Merchant = pool.get('civic.points.merchant')
    admin, = User.create([{'login': FUZZ_USER, 'name': FUZZ_USER,
                'password': PASSWORD, 'groups': [('add', [
                            ModelData.get_id(
                                'civic_grid', 'group_civic_admin'),
                            ModelData.get_id(
                                'civic_grid', 'group_civic_sensitive')])]}])
    for login, (groups, codes) in ROLES.items():
        values = {
            'name': login, 'password': PASSWORD,
            'groups': [('add', [ModelData.get_id(*g.split('.'))
                        for g in groups])],
            'civic_areas': [('add', [a.id for a in Area.search(
                            [('code', 'in', codes)])])],
            }
        # the demo data made the grid worker and the unit's contact already
        user = User.search([('login', '=', login)])
        if user:
            user, = user
            User.write([user], values)
        else:
            user, = User.create([{'login': login, **values}])
        if login == 'merchant':
            merchant, = Merchant.search([('code', '=', MERCHANT)])
            Merchant.write([merchant], {'users': [('add', [user.id])]})
        if login == 'volunteer':
            community, = Area.search([('code', '=', VOLUNTEER_HOME)])
            make_volunteer_records(pool, community, user)
        if login == 'station':
            community, = Area.search([('code', '=', STATION_HOME)])
            make_station_records(pool, community, user)


def make_outside_records(pool):
    """A merchant, its voucher and settlement, a publicity, rankings, an
    annual award and a campaign in the other street"""
    Area = pool.get('civic.area')
    Party = pool.get('party.party')
    Merchant = pool.get('civic.points.merchant')
    Redemption = pool.get('civic.points.redemption')
    Settlement = pool.get('civic.points.settlement')
    Publicity = pool.get('civic.points.publicity')
    Ranking = pool.get('civic.points.ranking')
    Honour = pool.get('civic.points.honour')
    Campaign = pool.get('civic.visit.campaign')
    Visit = pool.get('civic.visit')
    Household = pool.get('civic.household')
    Line = pool.get('civic.points.line')
    today = pool.get('ir.date').today()
    community, = Area.search([('code', '=', OUTSIDE)])
    street = community.parent
    shop, = Party.create([{'name': '城南便民超市'}])
    cashier, = pool.get('res.user').create([{
                'login': 'cashier-s02', 'name': '城南便民超市收银员'}])
    merchant, = Merchant.create([{
                'code': 'SHOP-S02', 'name': '城南便民超市', 'party': shop.id,
                'area': community.id, 'users': [('add', [cashier.id])],
                'offers': [('create', [{'name': '香皂', 'kind': 'goods',
                                'points': 5, 'value': 2}])],
                }])
    resident, = Party.search([('household.area', 'child_of',
                [community.id], 'parent')], limit=1)
    Line.award('volunteer_hour', resident.id, 4)
    vouchers = Redemption.create([{'party': resident.id,
                'offer': merchant.offers[0].id} for _ in range(3)])
    Redemption.issue(vouchers)
    Redemption.redeem_code(vouchers[0].code)
    Settlement.prepare(today)
    month = today.replace(day=1)
    publicity, = Publicity.create([{'area': community.id, 'month': month}])
    Publicity.compute([publicity])
    rankings = Ranking.create([
            {'area': street.id, 'year': today.year, 'period': 'year'},
            {'area': street.id, 'year': today.year,
                'period': 'q%d' % ((today.month - 1) // 3 + 1)},
            ])
    Ranking.compute(rankings)
    Ranking.publish(rankings[:1])
    if rankings[0].lines:
        Honour.create([{'ranking_line': rankings[0].lines[0].id,
                    'title': '最美志愿者'}])
    campaign, = Campaign.create([{'name': '城南入户走访', 'area': street.id,
                'start_date': month, 'end_date': today}])
    Campaign.open([campaign])
    household, = Household.search([('area', 'child_of', [community.id],
                'parent')], limit=1)
    admin, = pool.get('res.user').search([('login', '=', 'admin')])
    Visit.create([{'campaign': campaign.id, 'household': household.id,
                'visitor': admin.id, 'date': today}])
    company, building = make_outside_company_staff(pool, community)
    make_outside_complaint(pool, community, building)
    make_outside_deduction(pool, community, company, building)
    evaluation, = pool.get('civic.property.evaluation').create([{
                'area': street.id, 'year': today.year,
                'quarter': 'q%d' % ((today.month - 1) // 3 + 1)}])
    evaluation.compute([evaluation])
    make_volunteer_records(pool, community)
    make_station_records(pool, community)
    make_assessment_records(pool, street)


def make_assessment_records(pool, street):
    """A computed quarterly run of the grid workers of the other street
    (the default plan activated) and a community ranking of the county"""
    Plan = pool.get('civic.assessment.plan')
    Run = pool.get('civic.assessment.run')
    ModelData = pool.get('ir.model.data')
    plans = Plan.browse([ModelData.get_id('civic_assessment', p)
            for p in ['plan_grid_worker', 'plan_community']])
    Plan.activate(plans)
    year = pool.get('ir.date').today().year - 1
    runs = Run.create([
            {'plan': plans[0].id, 'area': street.id, 'year': year,
                'quarter': 'q4'},
            {'plan': plans[1].id, 'area': street.parent.id, 'year': year},
            ])
    Run.compute(runs)


def make_station_records(pool, community, manager=None):
    """A station of community (managed by manager, if given) with hours, a
    facility, a photo, a rider of one of its grids who visited it with a
    service, a suggestion, and an alliance member of its street"""
    Party = pool.get('party.party')
    Station = pool.get('civic.station')
    Facility = pool.get('civic.station.facility')
    Platform = pool.get('civic.station.platform')
    Rider = pool.get('civic.station.rider')
    Visit = pool.get('civic.station.visit')
    Suggestion = pool.get('civic.station.suggestion')
    Area = pool.get('civic.area')
    facility, = Facility.search([], limit=1)
    platform = Platform.search([('code', '=', 'audit')])
    if not platform:
        platform = Platform.create([{'name': '审计平台', 'code': 'audit'}])
    grid, = Area.search([('parent', 'child_of', [community.id], 'parent'),
            ('level.is_grid', '=', True)], limit=1)
    station, = Station.create([{
                'name': f'{community.name}审计驿站',
                'code': f'AUDIT-{community.code}',
                'host': f'{community.name}党群服务中心',
                'host_kind': 'service_centre', 'area': community.id,
                'address': f'{community.name}一号', 'latitude': 35.1,
                'longitude': 118.35,
                'hours': [('create', [{'weekday': '1',
                                'opens': dt.time(8), 'closes': dt.time(20)}])],
                'facilities': [('add', [facility.id])],
                'photos': [('create', [{'image': b'audit',
                                'caption': '门头'}])],
                'managers': [('add', [manager.id])] if manager else [],
                }])
    if not manager:
        # a manager of the other station, whom the roles do not see
        other_manager, = pool.get('res.user').create([{
                    'login': f'manager-{community.code.lower()}',
                    'name': f'{community.name}驿站管理员',
                    'groups': [('add', [pool.get('ir.model.data').get_id(
                                    'civic_station',
                                    'group_civic_station')])]}])
        Station.write([station], {'managers': [('add', [other_manager.id])]})
    party, = Party.create([{'name': f'{community.name}审计骑手'}])
    rider, = Rider.create([{'party': party.id, 'platform': platform[0].id,
                'grid': grid.id}])
    visit, = Visit.create([{'station': station.id, 'rider': rider.id,
                'services': [('add', [facility.id])]}])
    Suggestion.create([{'station': station.id, 'rider': rider.id,
                'text': '希望增加充电桩'}])
    contact, = Party.create([{'name': f'{community.name}审计联络人'}])
    pool.get('civic.station.alliance').create([{
                'street': community.parent.id,
                'company': f'审计企业{community.code}',
                'platform': platform[0].id, 'contact': contact.id}])


def make_volunteer_records(pool, community, user=None):
    """A volunteer of community (the user's, if given) with a record of
    each kind: team, activity sign-up confirmed, certificate, squad and
    active emergency task, a micro-wish, a service order dispatched to them;
    and the wish statistics that follow"""
    Party = pool.get('party.party')
    Volunteer = pool.get('civic.volunteer')
    Signup = pool.get('civic.volunteer.signup')
    Activity = pool.get('civic.volunteer.activity')
    Emergency = pool.get('civic.volunteer.emergency')
    Certificate = pool.get('civic.volunteer.certificate')
    Wish = pool.get('civic.volunteer.wish')
    Order = pool.get('civic.service.order')
    Skill = pool.get('civic.volunteer.skill')
    now = dt.datetime.now().replace(microsecond=0)
    taken = {v.party.id for v in Volunteer.search(
            [('active', 'in', [True, False])])}
    residents = [p for p in Party.search([('household.area', 'child_of',
                    [community.id], 'parent')], limit=50)
        if p.id not in taken][:2]
    skill, = Skill.create([{'name': f'audit {community.code}'}])
    volunteer, other = Volunteer.create([{
                'party': p.id, 'area': community.id,
                'skills': [('add', [skill.id])]} for p in residents])
    if user:
        # the login's own volunteer is this one, whatever the demo linked
        Volunteer.write(Volunteer.search([('user', '=', user.id)]),
            {'user': None})
        Volunteer.write([volunteer], {'user': user.id})
    team, = pool.get('civic.volunteer.team').create([{
                'name': f'{community.name}志愿服务队', 'area': community.id,
                'members': [('add', [volunteer.id, other.id])]}])
    activity, = Activity.create([{
                'name': '审计活动', 'team': team.id, 'area': community.id,
                'place': community.name, 'start': now - dt.timedelta(hours=1),
                'end': now + dt.timedelta(hours=2), 'capacity': 5,
                'organiser': 1}])
    Activity.publish([activity])
    # a draft, which volunteers do not see
    Activity.create([{
                'name': '审计草稿活动', 'team': team.id, 'area': community.id,
                'place': community.name, 'start': now + dt.timedelta(days=7),
                'end': now + dt.timedelta(days=7, hours=2), 'capacity': 5,
                'organiser': 1}])
    signups = Signup.create([{'activity': activity.id, 'volunteer': v.id}
            for v in [volunteer, other]])
    Signup.do_check_in(signups)
    Signup.do_check_out(signups)
    Signup.write(signups, {'hours': 1})
    Signup.confirm(signups)
    certificate, = Certificate.create([{'volunteer': volunteer.id,
                'start': now.date().replace(month=1, day=1),
                'end': now.date()}])
    Certificate.issue([certificate])
    pool.get('civic.volunteer.award').create([{'year': now.year,
                'title': '最美志愿者', 'area': community.id,
                'volunteer': volunteer.id}])
    pool.get('civic.volunteer.squad').create([{
                'name': '审计编队', 'area': community.id,
                'members': [('add', [volunteer.id, other.id])]}])
    overlapping = Emergency.search([('state', '=', 'active'), ['OR',
                ('area', 'child_of', [community.id], 'parent'),
                ('area', 'parent_of', [community.id], 'parent')]])
    if not overlapping:
        emergency, = Emergency.create([{'name': '审计应急',
                    'area': community.id}])
        Emergency.activate([emergency])
    beneficiary = residents[0]
    wish, = Wish.create([{'name': '审计微心愿', 'beneficiary': beneficiary.id,
                'area': beneficiary.household.area.id,
                'due_date': now.date()}])
    Wish.publish([wish])
    order, = Order.create([{'resident': beneficiary.id,
                'area': beneficiary.household.area.id, 'service': '审计服务',
                'assignee': volunteer.id}])
    Order.dispatch([order])


def make_outside_company_staff(pool, community):
    """The staff and a red steward of a company managing in the other
    street; return the company and the building"""
    Building = pool.get('civic.building')
    Company = pool.get('civic.property.company')
    Steward = pool.get('civic.property.steward')
    building, = Building.search([
            ('compound.area', 'child_of', [community.id], 'parent'),
            ('compound.property_company', '!=', None)], limit=1)
    company = building.compound.property_company
    staff, = pool.get('res.user').create([{
                'login': 'property-s02', 'name': f'{company.party.name}工作人员'}])
    Company.write([company], {'users': [('add', [staff.id])]})
    Steward.create([{'company': company.id, 'name': '赵师傅',
                'buildings': [('add', [building.id])]}])
    return company, building


def make_outside_complaint(pool, community, building):
    "A property complaint in the other street's compound"
    Category = pool.get('civic.event.category')
    Event = pool.get('civic.event')
    category = Category.search([('property_matter', '=', True)], limit=1)
    if not category:
        category = Category.search([], limit=1)
        Category.write(category, {'property_matter': True})
    Event.create([{'category': category[0].id, 'area': community.id,
                'compound': building.compound.id,
                'description': '小区路灯损坏多日无人修'}])


def make_outside_deduction(pool, community, company, building):
    "A property-fee deduction redeemed by the other street's company"
    Merchant = pool.get('civic.points.merchant')
    Redemption = pool.get('civic.points.redemption')
    Household = pool.get('civic.household')
    Unit = pool.get('civic.building.unit')
    Line = pool.get('civic.points.line')
    merchant, = Merchant.create([{
                'code': f'FEE-{company.code}', 'name': company.party.name,
                'party': company.party.id, 'area': community.id,
                'offers': [('create', [{'name': '物业费抵扣2元',
                                'kind': 'property_fee', 'points': 5,
                                'value': 2}])],
                }])
    pool.get('civic.property.company').write(
        [company], {'merchant': merchant.id})
    unit, = Unit.create([{'building': building.id, 'name': '审计单元'}])
    household, = Household.search([
            ('area', 'child_of', [community.id], 'parent'),
            ('members', '!=', None)], limit=1)
    Household.write([household], {'unit': unit.id})
    resident = household.members[0]
    Line.award('volunteer_hour', resident.id, 2)
    voucher, = Redemption.create([{'party': resident.id,
                'offer': merchant.offers[0].id}])
    Redemption.issue([voucher])
    Redemption.redeem_code(voucher.code)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('--setup', action='store_true')
    parser.add_argument('--fuzz', action='store_true')
    args = parser.parse_args()
    sys.path.insert(0, ROOT)
    from trytond.pool import Pool
    Pool.start()
    Pool(args.database).init()
    if args.setup:
        setup(args.database)
    elif args.fuzz:
        json.dump(Fuzz(Audit(args.database)).run(), sys.stdout)
    else:
        json.dump(Audit(args.database).run(), sys.stdout)


if __name__ == '__main__':
    sys.exit(main())
