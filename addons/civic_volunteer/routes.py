# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The routes a volunteer's phone posts to, with the key of its user
application "civic_volunteer" (Authorization: bearer <key>):

    POST /<database>/civic/volunteer/scan/<token>
        the activity's QR code: checks the volunteer in, then out
    POST /<database>/civic/volunteer/emergency/<id>/report
        reports the volunteer in for the emergency

Each answers JSON; a step the rules refuse is answered 400 with the
message, in the user's language."""
from trytond.protocols.wrappers import (
    allow_null_origin, user_application, with_pool, with_transaction)
from trytond.wsgi import app

PREFIX = '/<database_name>/civic/volunteer/'


@app.route(PREFIX + 'scan/<token>', methods=['POST'])
@allow_null_origin
@with_pool
@with_transaction(readonly=False)
@user_application('civic_volunteer')
def scan(request, pool, token):
    Activity = pool.get('civic.volunteer.activity')
    return Activity.scan(token)


@app.route(PREFIX + 'emergency/<int:emergency>/report', methods=['POST'])
@allow_null_origin
@with_pool
@with_transaction(readonly=False)
@user_application('civic_volunteer')
def report(request, pool, emergency):
    Task = pool.get('civic.volunteer.emergency.task')
    return Task.report_for_user(emergency)
