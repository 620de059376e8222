# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""The one clock of every dated step and deadline.

It is the server's, unless the context holds CLOCK_KEY: a private key
(trytond drops the context keys starting with "_" that RPC clients send), so
only code running in the server (scripts, demos, tests, the scheduled tasks)
moves time, never a client.  ir.date's today follows it.
"""
import datetime as dt

from trytond.transaction import Transaction

CLOCK_KEY = '_civic_now'


def moment():
    "The time the context sets, or None for the server's"
    return (Transaction().context or {}).get(CLOCK_KEY)


def now():
    "The current time, to the second"
    value = moment()
    if value is None:
        value = dt.datetime.now()
    return value.replace(microsecond=0)


def today():
    return now().date()
